import { BenchChild, raiseFdLimit } from './child.js';
import type {
  ClientCommand,
  ClientConfig,
  ClientReport,
  LoopDelay,
  MemorySample,
  ServerKind,
  WsVariant,
} from './protocol.js';
import { median, percentile, type ScenarioResult } from './report.js';
import { ServerGroup } from './server-group.js';

/** How one scenario runs. */
export interface ScenarioPlan {
  readonly kind: ServerKind;
  /** One result row per variant (only raw `ws` has two), measured on the same connections. */
  readonly variants: readonly { readonly name: string; readonly variant: WsVariant }[];
  readonly sessions: number;
  /**
   * Server processes (gateway only): past one process's file limit, several gateway nodes
   * share guild events over NATS, each with its share of the sessions.
   */
  readonly nodes: number;
  /** Rounds of one message to everyone, for the latency percentiles. */
  readonly latencyRounds: number;
  /** How long the chat burst lasts. */
  readonly burstMs: number;
  /** Messages per burst round (each round is sent in one tick). */
  readonly burstSize: number;
  /** Connections per load-generator process. */
  readonly perClientProcess: number;
  /** Connections per 127.0.0.x source address. */
  readonly perAddress: number;
  /** Prints a progress line (stderr). */
  readonly log: (line: string) => void;
}

type Client = BenchChild<ClientCommand, ClientReport>;

const FD_MARGIN = 256;
/** Rounds sent before sampling starts, so the JIT has compiled every side's send path. */
const WARMUP_ROUNDS = 3;
const NODE_FLAGS = ['--max-old-space-size=8192'];

const is =
  <T extends string>(type: T) =>
  <R extends { readonly type: string }>(report: R): report is Extract<R, { type: T }> =>
    report.type === type;

/**
 * Runs one server kind against `sessions` load connections: connect and identify, memory per
 * idle session, latency rounds, then a chat burst per variant.
 *
 * @returns one row per variant.
 * @throws Error when the server or a load generator fails, or a phase times out.
 */
export async function runScenario(plan: ScenarioPlan): Promise<ScenarioResult[]> {
  const server = new ServerGroup(plan.kind, plan.nodes, ['--expose-gc', ...NODE_FLAGS]);
  const clients: Client[] = [];
  const listeningReport = server.listening();
  listeningReport.catch(() => undefined);
  try {
    const perNode = Math.ceil(plan.sessions / server.size) + FD_MARGIN;
    const serverFds = await server.raiseFdLimits(perNode);
    if (serverFds < perNode)
      throw new Error(
        `a server process may open ${serverFds} files (ulimit -n, hard limit not raisable here) and needs ${perNode}`,
      );
    const listening = await listeningReport;
    const connected = await connectClients(plan, listening.ports, clients);
    const counted = await waitForCount(server, connected);
    await sleep(1000);
    const memory = await server.memory();
    const rows: ScenarioResult[] = [];
    let perConnection = 0;
    for (const { name, variant } of plan.variants) {
      const latency = await latencyPhase(plan, server, clients, variant, perConnection);
      perConnection = latency.perConnection;
      const burst = await burstPhase(plan, server, clients, variant, perConnection, counted);
      perConnection = burst.perConnection;
      rows.push({
        name,
        sessions: counted,
        ...perSession(listening.baseline, memory, counted),
        latencyP50Ms: percentile(latency.samples, 50),
        latencyP99Ms: percentile(latency.samples, 99),
        latencyMaxMs: percentile(latency.samples, 100),
        sendLoopMs: latency.sendLoopMs,
        loopDelayFanOutP99Ms: latency.loopDelay?.p99Ms ?? Number.NaN,
        deliveriesPerSecond: burst.deliveriesPerSecond,
        loopDelayBurstP99Ms: burst.loopDelay?.p99Ms ?? Number.NaN,
        lost: plan.sessions - counted + burst.closed,
      });
    }
    return rows;
  } finally {
    for (const client of clients) client.send({ type: 'stop' });
    await Promise.all([...clients.map((client) => client.stop()), server.stop()]);
  }
}

async function connectClients(
  plan: ScenarioPlan,
  ports: readonly number[],
  clients: Client[],
): Promise<number> {
  // With several nodes, each load generator connects to one node: the nodes share the sessions.
  const perProcess = Math.min(plan.perClientProcess, Math.ceil(plan.sessions / ports.length));
  const addresses = Math.max(1, Math.ceil(plan.sessions / plan.perAddress));
  const localAddresses = Array.from({ length: addresses }, (_, i) => `127.0.0.${i + 2}`);
  const deadlineMs = 120_000 + plan.sessions * 20;
  const readyReports: Promise<Extract<ClientReport, { type: 'ready' }>>[] = [];
  for (let first = 0; first < plan.sessions; first += perProcess) {
    const config: ClientConfig = {
      kind: plan.kind,
      port: ports[clients.length % ports.length] as number,
      first,
      connections: Math.min(perProcess, plan.sessions - first),
      localAddresses,
      perAddress: plan.perAddress,
      concurrency: 128,
      deadlineMs,
    };
    const client: Client = new BenchChild(
      './client-process.ts',
      [JSON.stringify(config)],
      NODE_FLAGS,
    );
    const ready = client.waitFor(is('ready'), deadlineMs, 'the clients to identify');
    ready.catch(() => undefined);
    readyReports.push(ready);
    clients.push(client);
    await raiseFdLimit(client.process.pid ?? 0, config.connections + FD_MARGIN);
  }
  const progress = new Array<number>(clients.length).fill(0);
  for (const [i, client] of clients.entries()) {
    client.onReport('progress', ({ identified }) => {
      progress[i] = identified;
      const total = progress.reduce((a, b) => a + b, 0);
      plan.log(`${plan.kind}: ${total}/${plan.sessions} identified`);
    });
  }
  const ready = await Promise.all(readyReports);
  const identified = ready.reduce((sum, report) => sum + report.identified, 0);
  plan.log(`${plan.kind}: ${identified}/${plan.sessions} identified`);
  return identified;
}

async function waitForCount(server: ServerGroup, expected: number): Promise<number> {
  let sessions = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    sessions = await server.count();
    if (sessions >= expected) return sessions;
    await sleep(100);
  }
  return sessions;
}

function perSession(
  before: MemorySample,
  after: MemorySample,
  sessions: number,
): Pick<ScenarioResult, 'heapPerSessionBytes' | 'rssPerSessionBytes'> {
  return {
    heapPerSessionBytes: (after.heapUsed - before.heapUsed) / sessions,
    rssPerSessionBytes: (after.rss - before.rss) / sessions,
  };
}

async function latencyPhase(
  plan: ScenarioPlan,
  server: ServerGroup,
  clients: readonly Client[],
  variant: WsVariant,
  perConnection: number,
): Promise<{
  samples: Float64Array;
  sendLoopMs: number;
  loopDelay: LoopDelay | undefined;
  perConnection: number;
}> {
  let reached = perConnection;
  broadcast(clients, { type: 'sampling', on: false });
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    reached += 1;
    await sendAndAwait(server, clients, reached, 1, variant);
  }
  broadcast(clients, { type: 'sampling', on: true });
  server.startLoopDelay();
  const sendTimes: number[] = [];
  for (let round = 0; round < plan.latencyRounds; round++) {
    reached += 1;
    const sent = await sendAndAwait(server, clients, reached, 1, variant);
    sendTimes.push(sent);
    await sleep(20);
  }
  const loopDelay = await server.stopLoopDelay();
  broadcast(clients, { type: 'sampling', on: false });
  const collected = await Promise.all(
    clients.map((client) => {
      const reply = client.waitFor(is('samples'), 30_000, 'latency samples');
      client.send({ type: 'collect' });
      return reply;
    }),
  );
  const samples = Float64Array.from(collected.flatMap((report) => report.latenciesMs)).sort();
  return { samples, sendLoopMs: median(sendTimes), loopDelay, perConnection: reached };
}

async function burstPhase(
  plan: ScenarioPlan,
  server: ServerGroup,
  clients: readonly Client[],
  variant: WsVariant,
  perConnection: number,
  sessions: number,
): Promise<{
  deliveriesPerSecond: number;
  loopDelay: LoopDelay | undefined;
  perConnection: number;
  closed: number;
}> {
  server.startLoopDelay();
  const started = performance.now();
  let reached = perConnection;
  let rounds = 0;
  const inFlight: Promise<number>[] = [];
  while (performance.now() - started < plan.burstMs) {
    reached += plan.burstSize;
    rounds += 1;
    inFlight.push(sendAndAwait(server, clients, reached, plan.burstSize, variant));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started;
  const loopDelay = await server.stopLoopDelay();
  const collected = await Promise.all(
    clients.map((client) => {
      const reply = client.waitFor(is('samples'), 30_000, 'the close count');
      client.send({ type: 'collect' });
      return reply;
    }),
  );
  return {
    deliveriesPerSecond: (rounds * plan.burstSize * sessions * 1000) / elapsedMs,
    loopDelay,
    perConnection: reached,
    closed: collected.reduce((sum, report) => sum + report.closed, 0),
  };
}

let sendId = 0;

/** Sends `messages` to everyone and waits until every client got `perConnection` in total. */
async function sendAndAwait(
  server: ServerGroup,
  clients: readonly Client[],
  perConnection: number,
  messages: number,
  variant: WsVariant,
): Promise<number> {
  const id = ++sendId;
  const arrived = clients.map((client) => {
    const reply = client.waitFor(
      (report): report is Extract<ClientReport, { type: 'reached' }> =>
        report.type === 'reached' && report.perConnection === perConnection,
      60_000,
      `every connection to receive ${perConnection} messages`,
    );
    client.send({ type: 'await', perConnection });
    return reply;
  });
  const [sendMs] = await Promise.all([server.send(id, messages, variant), Promise.all(arrived)]);
  return sendMs;
}

function broadcast(clients: readonly Client[], command: ClientCommand): void {
  for (const client of clients) client.send(command);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
