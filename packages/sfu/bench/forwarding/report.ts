import type { MeasuredRun } from './client-process.js';
import type { ClientStack } from './protocol.js';

/** The latency budget a setup must keep at p99 to count as carried. */
export const P99_BUDGET_MS = 20;
/** From this share of one core on, a process counts as saturated. */
export const SATURATED_PERCENT = 95;
/** Above this share of packets lost a setup does not count as carried. */
export const LOSS_BUDGET = 0.01;

/** One measured setup. */
export interface Row {
  readonly setup: string;
  readonly stack: ClientStack;
  readonly speakers: number;
  readonly listeners: number;
  readonly run: MeasuredRun;
  /** `false` for the direct pair, which does not touch the SFU. */
  readonly throughSfu: boolean;
}

export const sfuPercent = (run: MeasuredRun): number =>
  (run.sfuCpuMicros / (run.sfuWindowMs * 1000)) * 100;

export const clientPercent = (run: MeasuredRun): number =>
  (run.clientCpuMicros / (run.windowMs * 1000)) * 100;

export const loss = (run: MeasuredRun): number =>
  run.expected === 0 ? 0 : Math.max(0, 1 - run.delivered / run.expected);

const perSecond = (run: MeasuredRun): number => run.delivered / (run.windowMs / 1000);

/**
 * @param row - a measured setup.
 * @returns whether it kept p99 and loss in budget without saturating the SFU's core.
 */
export const carried = (row: Row): boolean =>
  row.run.p99Ms < P99_BUDGET_MS &&
  loss(row.run) <= LOSS_BUDGET &&
  sfuPercent(row.run) < SATURATED_PERCENT;

/** @param row - a finished row, printed to stderr so a long run shows progress. */
export function progress(row: Row): Row {
  const { run } = row;
  process.stderr.write(
    `forwarding: ${row.setup}: ${perSecond(run).toFixed(0)} pkts/s, p99 ${run.p99Ms.toFixed(2)} ms, SFU ${sfuPercent(run).toFixed(0)} %, clients ${clientPercent(run).toFixed(0)} %\n`,
  );
  return row;
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

/**
 * @param rows - measured setups.
 * @returns the Markdown table lines.
 */
export function table(rows: readonly Row[]): string[] {
  const lines = [
    '| setup | clients | speakers × listeners | delivered pkts/s | loss | p50 | p99 | SFU CPU % of one core | clients CPU % of one core | event-loop delay p99, SFU / clients | forwarded pkts per SFU CPU-second |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { setup, stack, speakers, listeners, run, throughSfu } of rows) {
    const cells = [
      setup,
      stack,
      `${speakers} × ${listeners}`,
      perSecond(run).toFixed(0),
      `${(loss(run) * 100).toFixed(2)} %`,
      ms(run.p50Ms),
      ms(run.p99Ms),
      throughSfu ? sfuPercent(run).toFixed(1) : '—',
      clientPercent(run).toFixed(1),
      `${throughSfu ? run.sfuLoopDelayP99Ms.toFixed(1) : '—'} / ${run.clientLoopDelayP99Ms.toFixed(1)} ms`,
      throughSfu ? (run.delivered / (run.sfuCpuMicros / 1e6)).toFixed(0) : '—',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * @param rows - measured setups.
 * @param stack - the client stack to judge.
 * @returns one sentence: the largest setup carried with `stack` clients, and whether the
 * clients' core rather than the SFU's was the limit.
 */
export function verdict(rows: readonly Row[], stack: ClientStack): string {
  const sfuRows = rows.filter((row) => row.throughSfu && row.stack === stack);
  let best: Row | undefined;
  for (const row of sfuRows.filter(carried)) {
    if (!best || perSecond(row.run) > perSecond(best.run)) best = row;
  }
  const saturatedClients = sfuRows.find((row) => clientPercent(row.run) >= SATURATED_PERCENT);
  const saturatedSfu = sfuRows.find((row) => sfuPercent(row.run) >= SATURATED_PERCENT);
  const carriedText = best
    ? `With ${stack} clients the largest setup carried (p99 < ${P99_BUDGET_MS} ms, loss ≤ ${LOSS_BUDGET * 100} %, SFU < ${SATURATED_PERCENT} % of a core) is ${best.setup}: ${best.speakers} speakers × ${best.listeners} listeners, ${perSecond(best.run).toFixed(0)} forwarded pkts/s at ${sfuPercent(best.run).toFixed(0)} % of the SFU's core.`
    : `With ${stack} clients no setup stayed under p99 ${P99_BUDGET_MS} ms.`;
  const limitText = saturatedSfu
    ? ` The SFU's core saturated at ${saturatedSfu.setup}.`
    : saturatedClients
      ? ` The clients' core saturated first (${saturatedClients.setup}): beyond it the figures are bounded by the clients, not the SFU.`
      : ' Neither core saturated.';
  return carriedText + limitText;
}
