/**
 * # Load benchmark: @guildkit/gateway-core vs raw `ws` vs Socket.IO
 *
 * Real sockets over 127.0.0.1, all in one run. For each server kind the bench forks a server
 * process (`server-process.ts`, with `--expose-gc`) and one or more load-generator processes
 * (`client-process.ts`) that open N connections from source addresses 127.0.0.2, 127.0.0.3, …
 * (`GUILDKIT_LOAD_PER_ADDRESS` each, so ephemeral ports never run out) and identify: the real
 * IDENTIFY -> READY flow (and heartbeats) for the gateway, the open socket for raw `ws`, the
 * Engine.IO/Socket.IO handshake and room join for Socket.IO. Clients are raw `ws` sockets in
 * every case, so the load generator costs the same whatever the server. Then:
 *
 * - memory per idle identified session: the server's heap and RSS after full GCs, minus its
 *   baseline before listening, divided by N;
 * - fan-out latency: `GUILDKIT_LOAD_ROUNDS` rounds of one MESSAGE_CREATE to all N
 *   (`GatewayFanOut.dispatchToGuild`, one `ws.send` per socket of the same bytes, Socket.IO
 *   room broadcast); the send time travels in the message's `nonce` on the clock both
 *   processes share (`performance.timeOrigin + performance.now()`), each client records
 *   receipt minus send; p50/p99/max over every (session, round);
 * - sustained deliveries/s: rounds of `GUILDKIT_LOAD_BURST_SIZE` messages sent in one tick,
 *   two rounds in flight, for `GUILDKIT_LOAD_BURST_MS`; raw `ws` runs it twice, one send per
 *   frame and every socket's frames corked into one write (the runtime's ceiling);
 * - the server's event-loop delay p99 (`monitorEventLoopDelay`) during each phase.
 *
 * Every process stops by itself: each wait has a timeout and each load generator a deadline.
 *
 * ## Running it
 * ```sh
 * cd packages/gateway-core
 * npx tsx bench/load/run.ts                             # N = 10,000
 * GUILDKIT_LOAD_SESSIONS=10000,19000 npx tsx bench/load/run.ts
 * ```
 * Environment: `GUILDKIT_LOAD_SESSIONS` (comma-separated N, default 10000),
 * `GUILDKIT_LOAD_ROUNDS` (20), `GUILDKIT_LOAD_BURST_MS` (5000), `GUILDKIT_LOAD_BURST_SIZE` (4),
 * `GUILDKIT_LOAD_PER_PROCESS` (connections per load generator, 10000),
 * `GUILDKIT_LOAD_PER_ADDRESS` (connections per source address, 10000), `GUILDKIT_LOAD_SLICE`
 * (the gateway's fan-out slice size, default `DEFAULT_FAN_OUT_OPTIONS.sliceSize`),
 * `GUILDKIT_LOAD_NODES` (gateway processes sharing guild events over the machine's NATS, each
 * with its share of the sessions: how N past one process's file limit runs, default 1),
 * `GUILDKIT_LOAD_KINDS` (which servers run, default `gateway,ws,socketio`). The server process
 * needs N + 256 file descriptors: the bench raises `ulimit -n` with `prlimit` when the system
 * allows it and reports an N it cannot hold instead of running it.
 *
 * @module
 */
import { formatLoadTable, type ScenarioFailure, type ScenarioResult } from './report.js';
import { runScenario, type ScenarioPlan } from './run-scenario.js';

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

function sessionCounts(): number[] {
  const raw = process.env['GUILDKIT_LOAD_SESSIONS'] ?? '10000';
  const counts = raw
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((count) => Number.isSafeInteger(count) && count > 0);
  return counts.length > 0 ? counts : [10_000];
}

const SCENARIOS: readonly Pick<ScenarioPlan, 'kind' | 'variants'>[] = [
  { kind: 'gateway', variants: [{ name: 'gateway-core', variant: 'single' }] },
  {
    kind: 'ws',
    variants: [
      { name: 'raw ws', variant: 'single' },
      { name: 'raw ws batched', variant: 'batched' },
    ],
  },
  { kind: 'socketio', variants: [{ name: 'Socket.IO', variant: 'single' }] },
];

async function benchAt(sessions: number): Promise<string> {
  const results: ScenarioResult[] = [];
  const failures: ScenarioFailure[] = [];
  const burstSize = envInt('GUILDKIT_LOAD_BURST_SIZE', 4);
  const nodes = envInt('GUILDKIT_LOAD_NODES', 1);
  const kinds = (process.env['GUILDKIT_LOAD_KINDS'] ?? 'gateway,ws,socketio').split(',');
  for (const scenario of SCENARIOS.filter(({ kind }) => kinds.includes(kind))) {
    try {
      results.push(
        ...(await runScenario({
          ...scenario,
          sessions,
          nodes: scenario.kind === 'gateway' ? nodes : 1,
          latencyRounds: envInt('GUILDKIT_LOAD_ROUNDS', 20),
          burstMs: envInt('GUILDKIT_LOAD_BURST_MS', 5000),
          burstSize,
          perClientProcess: envInt('GUILDKIT_LOAD_PER_PROCESS', 10_000),
          perAddress: envInt('GUILDKIT_LOAD_PER_ADDRESS', 10_000),
          log: (line) => process.stderr.write(`[load N=${sessions}] ${line}\n`),
        })),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      for (const { name } of scenario.variants) failures.push({ name, reason });
      process.stderr.write(`[load N=${sessions}] ${scenario.kind} failed: ${reason}\n`);
    }
  }
  return formatLoadTable(
    `load: ${sessions.toLocaleString('en-US')} sessions over 127.0.0.1, one MESSAGE_CREATE (${burstSize} per burst round), server and load generator on the same machine${nodes > 1 ? `; gateway-core as ${nodes} nodes sharing guild events over NATS` : ''}`,
    results,
    failures,
  );
}

/**
 * Runs the load benchmark at every `GUILDKIT_LOAD_SESSIONS` count (default 10,000): our
 * gateway, raw `ws` (one send per frame, and batched) and Socket.IO, side by side.
 *
 * @returns one Markdown table per session count, ratios of ours to each peer included.
 */
export async function loadBench(): Promise<string> {
  const tables: string[] = [];
  for (const sessions of sessionCounts()) tables.push(await benchAt(sessions));
  return tables.join('\n\n');
}
