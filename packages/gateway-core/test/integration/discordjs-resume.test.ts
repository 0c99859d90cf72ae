import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { type SessionInfo, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import {
  type AuthenticatedUser,
  GatewayServer,
  type GatewayServerOptions,
  type GatewaySession,
  MemorySessionRegistry,
  prepareDispatch,
  type SessionRegistry,
  TimerWheel,
} from '@guildkit/gateway-core';
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { restFor } from '../support/discordjs-rest.js';
import { TOKEN, USER } from '../support/harness.js';

/** Generous on purpose: the suite must pass on a loaded 2-core machine. */
const WAIT = { timeout: 15_000, interval: 10 } as const;
/** Keeps discord.js's first heartbeat (at `interval * random()`) out of the way of a cut. */
const HEARTBEAT_INTERVAL_MS = 60_000;

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT.timeout);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A session registry that records every `session_id` a RESUME looked up. */
class RecordingRegistry implements SessionRegistry {
  readonly lookedUp: string[] = [];
  readonly #inner: MemorySessionRegistry;

  constructor(wheel: TimerWheel) {
    this.#inner = new MemorySessionRegistry({ wheel });
  }

  detach(session: GatewaySession, expiresAtMs: number): void {
    this.#inner.detach(session, expiresAtMs);
  }

  get(sessionId: string, now: number): GatewaySession | undefined {
    this.lookedUp.push(sessionId);
    return this.#inner.get(sessionId, now);
  }

  remove(sessionId: string): boolean {
    return this.#inner.remove(sessionId);
  }
}

/**
 * discord.js's session storage, through its documented `retrieveSessionInfo` and
 * `updateSessionInfo` options. While held, a reconnecting shard waits before it dials, so the
 * test decides what happens while it is away.
 */
class SessionStore {
  readonly #sessions = new Map<number, SessionInfo>();
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => undefined;

  readonly retrieve = async (shardId: number): Promise<SessionInfo | null> => {
    await this.#gate;
    return this.#sessions.get(shardId) ?? null;
  };

  readonly update = (shardId: number, info: SessionInfo | null): void => {
    if (info === null) this.#sessions.delete(shardId);
    else this.#sessions.set(shardId, info);
  };

  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  release(): void {
    this.#open();
  }
}

/** One HTTP server for the gateways of a test, with its sockets, and one shared registry. */
interface Stage {
  readonly http: Server;
  readonly sockets: Set<Socket>;
  readonly url: string;
  readonly registry: RecordingRegistry;
  /** Every GatewaySession a gateway made READY, in order. */
  readonly sessions: GatewaySession[];
  /** How many IDENTIFYs got as far as `authenticate`. */
  identifies: number;
}

async function startStage(): Promise<Stage> {
  const http = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const wheel = new TimerWheel();
  cleanup.push(async () => {
    wheel.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    http,
    sockets,
    url: `ws://127.0.0.1:${address.port}`,
    registry: new RecordingRegistry(wheel),
    sessions: [],
    identifies: 0,
  };
}

async function startGateway(
  stage: Stage,
  extra: Partial<GatewayServerOptions> = {},
): Promise<GatewayServer> {
  const gateway = new GatewayServer({
    server: stage.http,
    registry: stage.registry,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    authenticate: async (token): Promise<AuthenticatedUser | null> => {
      stage.identifies += 1;
      return token === TOKEN ? { user: USER } : null;
    },
    onReady: (session) => stage.sessions.push(session),
    ...extra,
  });
  cleanup.push(() => gateway.close());
  await gateway.listen();
  return gateway;
}

interface ReceivedDispatch {
  readonly t: string;
  readonly s: number;
  readonly d?: unknown;
}

/** A `WebSocketManager` with what it emitted. */
interface Bot {
  readonly manager: WebSocketManager;
  readonly store: SessionStore;
  readonly dispatches: ReceivedDispatch[];
  readonly readySessionIds: string[];
  resumed: number;
}

function startBot(stage: Stage): Bot {
  const store = new SessionStore();
  const manager = new WebSocketManager({
    token: TOKEN,
    intents: GatewayIntentBits.Guilds,
    rest: restFor(stage.url),
    retrieveSessionInfo: store.retrieve,
    updateSessionInfo: store.update,
  });
  const bot: Bot = { manager, store, dispatches: [], readySessionIds: [], resumed: 0 };
  manager.on(WebSocketShardEvents.Dispatch, ({ data }) => {
    // READY and RESUMED carry nothing this test checks beyond their place in the sequence.
    const lifecycle =
      data.t === GatewayDispatchEvents.Ready || data.t === GatewayDispatchEvents.Resumed;
    bot.dispatches.push(lifecycle ? { t: data.t, s: data.s } : { t: data.t, s: data.s, d: data.d });
  });
  manager.on(WebSocketShardEvents.Ready, ({ data }) => bot.readySessionIds.push(data.session_id));
  manager.on(WebSocketShardEvents.Resumed, () => {
    bot.resumed += 1;
  });
  cleanup.push(async () => {
    store.release();
    await manager.destroy();
  });
  return bot;
}

const channelUpdate = (n: number): ReceivedDispatch['d'] => ({ id: '2000', n });

function update(s: number, n: number): ReceivedDispatch {
  return { t: GatewayDispatchEvents.ChannelUpdate, s, d: channelUpdate(n) };
}

function lastSeq(bot: Bot): number | undefined {
  return bot.dispatches.at(-1)?.s;
}

describe('@discordjs/ws WebSocketManager resuming against GatewayServer', () => {
  it('resumes after the server cuts its socket and gets the missed dispatches once, in order', async () => {
    const stage = await startStage();
    const gateway = await startGateway(stage);
    const bot = startBot(stage);
    await within(bot.manager.connect(), 'READY');
    const [sessionId] = bot.readySessionIds;
    if (sessionId === undefined) throw new Error('no READY');
    const send = (n: number): number | undefined =>
      gateway.dispatchToSession(
        sessionId,
        prepareDispatch(GatewayDispatchEvents.ChannelUpdate, channelUpdate(n)),
      );

    expect([send(1), send(2), send(3)]).toEqual([2, 3, 4]);
    await vi.waitFor(() => expect(lastSeq(bot)).toBe(4), WAIT);

    bot.store.hold();
    for (const socket of stage.sockets) socket.destroy();
    await vi.waitFor(() => expect(gateway.connectionCount).toBe(0), WAIT);
    expect([send(4), send(5), send(6)]).toEqual([5, 6, 7]);
    bot.store.release();

    await vi.waitFor(() => expect(bot.resumed).toBe(1), WAIT);
    expect([send(7), send(8)]).toEqual([9, 10]);
    await vi.waitFor(() => expect(lastSeq(bot)).toBe(10), WAIT);

    expect(bot.dispatches).toEqual([
      { t: GatewayDispatchEvents.Ready, s: 1 },
      update(2, 1),
      update(3, 2),
      update(4, 3),
      update(5, 4),
      update(6, 5),
      update(7, 6),
      { t: GatewayDispatchEvents.Resumed, s: 8 },
      update(9, 7),
      update(10, 8),
    ]);
    expect(stage.registry.lookedUp).toEqual([sessionId]);
    expect(bot.readySessionIds).toEqual([sessionId]);
    expect(stage.identifies).toBe(1);
  });

  it('closes on RECONNECT from a draining server and resumes on the next one, missing nothing', async () => {
    const stage = await startStage();
    // The drain only ends early if the client closes its socket itself, i.e. obeys op 7.
    const draining = await startGateway(stage, { drainTimeoutMs: 120_000 });
    const bot = startBot(stage);
    await within(bot.manager.connect(), 'READY');
    const [session] = stage.sessions;
    if (session === undefined) throw new Error('no READY');
    const send = (n: number): number | undefined =>
      session.dispatch(prepareDispatch(GatewayDispatchEvents.ChannelUpdate, channelUpdate(n)));

    expect([send(1), send(2)]).toEqual([2, 3]);
    await vi.waitFor(() => expect(lastSeq(bot)).toBe(3), WAIT);

    bot.store.hold();
    await within(draining.close(), 'the client to close its socket after RECONNECT');
    expect([send(3), send(4)]).toEqual([4, 5]);
    const next = await startGateway(stage);
    bot.store.release();

    await vi.waitFor(() => expect(bot.resumed).toBe(1), WAIT);
    expect(
      next.dispatchToSession(
        session.id,
        prepareDispatch(GatewayDispatchEvents.ChannelUpdate, channelUpdate(5)),
      ),
    ).toBe(7);
    await vi.waitFor(() => expect(lastSeq(bot)).toBe(7), WAIT);

    expect(bot.dispatches).toEqual([
      { t: GatewayDispatchEvents.Ready, s: 1 },
      update(2, 1),
      update(3, 2),
      update(4, 3),
      update(5, 4),
      { t: GatewayDispatchEvents.Resumed, s: 6 },
      update(7, 5),
    ]);
    expect(stage.registry.lookedUp).toEqual([session.id]);
    expect(bot.readySessionIds).toEqual([session.id]);
    expect(stage.identifies).toBe(1);
  });
});
