/** What one server configuration measured at one session count. */
export interface ScenarioResult {
  readonly name: string;
  /** Sessions identified and counted by the server. */
  readonly sessions: number;
  readonly heapPerSessionBytes: number;
  readonly rssPerSessionBytes: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  /** Median time the server's synchronous send of one message to all sessions took. */
  readonly sendLoopMs: number;
  readonly loopDelayFanOutP99Ms: number;
  readonly deliveriesPerSecond: number;
  readonly loopDelayBurstP99Ms: number;
  /** Connections that failed to identify, or closed after identifying. */
  readonly lost: number;
}

/** A scenario that could not run, and why. */
export interface ScenarioFailure {
  readonly name: string;
  readonly reason: string;
}

/**
 * @param samples - any order; sorted in place.
 * @param p - percentile in [0, 100].
 * @returns the nearest-rank percentile, or NaN when empty.
 */
export function percentile(samples: Float64Array, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const rank = Math.min(samples.length - 1, Math.max(0, Math.ceil((p / 100) * samples.length) - 1));
  return samples[rank]!;
}

/** @returns the median of `values`, or NaN when empty. */
export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values), 50);
}

interface Metric {
  readonly label: string;
  readonly value: (result: ScenarioResult) => number;
  readonly format: (value: number) => string;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const rate = (value: number): string => `${Math.round(value).toLocaleString('en-US')}/s`;

const METRICS: readonly Metric[] = [
  { label: 'JS heap per idle session', value: (r) => r.heapPerSessionBytes, format: kb },
  { label: 'RSS per idle session', value: (r) => r.rssPerSessionBytes, format: kb },
  {
    label: 'fan-out of 1 message to all: p50 send->receipt',
    value: (r) => r.latencyP50Ms,
    format: ms,
  },
  {
    label: 'fan-out of 1 message to all: p99 send->receipt',
    value: (r) => r.latencyP99Ms,
    format: ms,
  },
  { label: 'fan-out of 1 message to all: max', value: (r) => r.latencyMaxMs, format: ms },
  { label: 'server send loop for 1 message (median)', value: (r) => r.sendLoopMs, format: ms },
  {
    label: 'event-loop delay p99 during fan-out rounds',
    value: (r) => r.loopDelayFanOutP99Ms,
    format: ms,
  },
  {
    label: 'deliveries/s, sustained chat burst',
    value: (r) => r.deliveriesPerSecond,
    format: rate,
  },
  {
    label: 'event-loop delay p99 during the burst',
    value: (r) => r.loopDelayBurstP99Ms,
    format: ms,
  },
  { label: 'connections lost or not identified', value: (r) => r.lost, format: String },
];

function ratio(ours: number, peer: number | undefined): string {
  if (peer === undefined || !Number.isFinite(peer) || peer === 0 || !Number.isFinite(ours))
    return 'n/a';
  return `${(ours / peer).toFixed(2)}x`;
}

/**
 * One Markdown table: a row per metric, a column per scenario, then the first scenario
 * (ours) divided by each peer.
 *
 * @param title - the heading line.
 * @param results - ours first, then the peers.
 * @param failures - scenarios that did not run, listed under the table.
 * @returns the Markdown text.
 */
export function formatLoadTable(
  title: string,
  results: readonly ScenarioResult[],
  failures: readonly ScenarioFailure[],
): string {
  const [ours, ...peers] = results;
  const notes = failures.map((failure) => `- ${failure.name} did not run: ${failure.reason}`);
  if (ours === undefined) return [`### ${title}`, '', ...notes].join('\n');
  const header = ['metric', ...results.map((r) => r.name)];
  for (const peer of peers) header.push(`${ours.name} ÷ ${peer.name}`);
  const lines = [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const metric of METRICS) {
    const cells = [metric.label, ...results.map((r) => metric.format(metric.value(r)))];
    for (const peer of peers) cells.push(ratio(metric.value(ours), metric.value(peer)));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  for (const failure of failures)
    lines.push('', `- ${failure.name} did not run: ${failure.reason}`);
  return lines.join('\n');
}
