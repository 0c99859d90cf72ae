import { BenchChild, raiseFdLimit } from './child.js';
import type {
  LoopDelay,
  MemorySample,
  ServerCommand,
  ServerKind,
  ServerReport,
  WsVariant,
} from './protocol.js';

type Server = BenchChild<ServerCommand, ServerReport>;

const is =
  <T extends string>(type: T) =>
  <R extends { readonly type: string }>(report: R): report is Extract<R, { type: T }> =>
    report.type === type;

/**
 * The server side of one scenario: one process, or (for the gateway with `nodes` > 1) several
 * gateway nodes sharing guild events over NATS, as a deployment past one process's file limit
 * runs. Messages are sent on node 0 and reach every node's sessions through the bus; counts
 * and memory are summed over the nodes, event-loop delays are the worst node's.
 */
export class ServerGroup {
  readonly #servers: Server[];

  /**
   * @param kind - the server kind.
   * @param nodes - how many processes (only the gateway runs several).
   * @param nodeFlags - V8/Node flags of each process.
   */
  constructor(kind: ServerKind, nodes: number, nodeFlags: readonly string[]) {
    const bus = `guildkit.load.${process.pid}.${Date.now()}`;
    this.#servers = Array.from(
      { length: nodes },
      (_, node) =>
        new BenchChild<ServerCommand, ServerReport>(
          './server-process.ts',
          nodes === 1 ? [kind] : [kind, `node-${node}`, bus],
          nodeFlags,
        ),
    );
  }

  /** How many processes serve the sessions. */
  get size(): number {
    return this.#servers.length;
  }

  /**
   * Raises every node's file limit to `perNode`.
   *
   * @returns the smallest limit a node got.
   */
  async raiseFdLimits(perNode: number): Promise<number> {
    const limits = await Promise.all(
      this.#servers.map((server) => raiseFdLimit(server.process.pid ?? 0, perNode)),
    );
    return Math.min(...limits);
  }

  /** @returns each node's port, and the summed memory baseline before listening. */
  async listening(): Promise<{ ports: number[]; baseline: MemorySample }> {
    const reports = await Promise.all(
      this.#servers.map((server) => server.waitFor(is('listening'), 60_000, 'a server to listen')),
    );
    return {
      ports: reports.map((report) => report.port),
      baseline: sum(reports.map((r) => r.baseline)),
    };
  }

  /** @returns the sessions held by all nodes. */
  async count(): Promise<number> {
    const reports = await this.#all({ type: 'count' }, is('count'), 'the session count');
    return reports.reduce((total, report) => total + report.sessions, 0);
  }

  /** @returns the memory of all nodes after full GCs, summed. */
  async memory(): Promise<MemorySample> {
    const reports = await this.#all({ type: 'memory' }, is('memory'), 'memory');
    return sum(reports.map((report) => report.sample));
  }

  /** Sends `messages` on node 0. @returns how long node 0's send call took. */
  async send(id: number, messages: number, variant: WsVariant): Promise<number> {
    const [first] = this.#servers as [Server];
    const sent = first.waitFor(
      (report): report is Extract<ServerReport, { type: 'sent' }> =>
        report.type === 'sent' && report.id === id,
      60_000,
      'the server to send',
    );
    first.send({ type: 'send', id, messages, variant });
    return (await sent).sendMs;
  }

  /** Starts measuring every node's event-loop delay. */
  startLoopDelay(): void {
    for (const server of this.#servers) server.send({ type: 'loopDelay', action: 'start' });
  }

  /** @returns the worst node's event-loop delay since {@link startLoopDelay}. */
  async stopLoopDelay(): Promise<LoopDelay | undefined> {
    const reports = await this.#all(
      { type: 'loopDelay', action: 'stop' },
      is('loopDelay'),
      'the event-loop delay',
    );
    const delays = reports.flatMap((report) => (report.delay === undefined ? [] : [report.delay]));
    if (delays.length === 0) return undefined;
    return {
      p99Ms: Math.max(...delays.map((delay) => delay.p99Ms)),
      maxMs: Math.max(...delays.map((delay) => delay.maxMs)),
    };
  }

  /** Stops every node. */
  async stop(): Promise<void> {
    await Promise.all(this.#servers.map((server) => server.stop()));
  }

  #all<T extends ServerReport>(
    command: ServerCommand,
    match: (report: ServerReport) => report is T,
    what: string,
  ): Promise<T[]> {
    return Promise.all(
      this.#servers.map((server) => {
        const reply = server.waitFor(match, 60_000, what);
        server.send(command);
        return reply;
      }),
    );
  }
}

function sum(samples: readonly MemorySample[]): MemorySample {
  return samples.reduce(
    (total, sample) => ({
      heapUsed: total.heapUsed + sample.heapUsed,
      rss: total.rss + sample.rss,
    }),
    { heapUsed: 0, rss: 0 },
  );
}
