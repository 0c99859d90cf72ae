import {
  GatewayClient,
  GatewayClientError,
  type GatewayClientOptions,
  type ReconnectingEvent,
} from '@guildkit/gateway-core/client';
import { ManualScheduler } from '@guildkit/testkit';
import {
  GatewayOpcodes,
  type GatewayUpdatePresence,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';
import { describe, expect, it, vi } from 'vitest';
import { FakeNetwork, type FakeSocket } from './support/fake-socket.js';
import { TestDeflater } from './support/zlib-stream.js';

const TOKEN = 'secret-token';
const HEARTBEAT_INTERVAL_MS = 10_000;
const RESUME_URL = 'wss://resume.test/gw';

interface Harness {
  readonly client: GatewayClient;
  readonly network: FakeNetwork;
  readonly scheduler: ManualScheduler;
  /** What `random()` returns next; tests change it between steps. */
  readonly draw: { value: number };
  readonly reconnects: ReconnectingEvent[];
  readonly closes: { code: number; reason: string }[];
  readonly errors: GatewayClientError[];
}

function setup(extra: Partial<GatewayClientOptions> = {}): Harness {
  const network = new FakeNetwork();
  const scheduler = new ManualScheduler();
  const draw = { value: 0.5 };
  const client = new GatewayClient({
    url: 'wss://gateway.test/?region=eu',
    token: TOKEN,
    intents: 513,
    WebSocket: network.WebSocket,
    clock: scheduler.clock,
    scheduler,
    random: () => draw.value,
    ...extra,
  });
  const harness: Harness = {
    client,
    network,
    scheduler,
    draw,
    reconnects: [],
    closes: [],
    errors: [],
  };
  client.on('reconnecting', (event) => harness.reconnects.push(event));
  client.on('close', (event) => harness.closes.push(event));
  client.on('error', (error) => harness.errors.push(error));
  return harness;
}

function hello(socket: FakeSocket, intervalMs = HEARTBEAT_INTERVAL_MS): void {
  socket.open();
  socket.receive({ op: 10, d: { heartbeat_interval: intervalMs }, s: null, t: null });
}

function ready(socket: FakeSocket, sessionId = 'session-1'): void {
  socket.receive({
    op: 0,
    t: 'READY',
    s: 1,
    d: {
      v: 10,
      user: { id: '1', username: 'bot', discriminator: '0', global_name: null, avatar: null },
      guilds: [],
      session_id: sessionId,
      resume_gateway_url: RESUME_URL,
      shard: [0, 1],
      application: { id: '1', flags: 0 },
    },
  });
}

function dispatch(socket: FakeSocket, seq: number): void {
  socket.receive({ op: 0, t: 'TYPING_START', s: seq, d: { n: seq } });
}

/** Connects through HELLO and READY on the first socket. */
async function readyHarness(extra: Partial<GatewayClientOptions> = {}): Promise<Harness> {
  const harness = setup(extra);
  const connected = harness.client.connect();
  hello(harness.network.last);
  ready(harness.network.last);
  await connected;
  return harness;
}

describe('GatewayClient: handshake', () => {
  it('opens the url with v=10 and encoding=json appended, keeping its query', () => {
    const { client, network } = setup();
    void client.connect();
    expect(network.last.url).toBe('wss://gateway.test/?region=eu&v=10&encoding=json');
    expect(network.last.binaryType).toBe('arraybuffer');
  });

  it('asks for zlib-stream when compress is set', () => {
    const { client, network } = setup({ compress: true });
    void client.connect();
    expect(network.last.url).toBe(
      'wss://gateway.test/?region=eu&v=10&encoding=json&compress=zlib-stream',
    );
  });

  it('sends IDENTIFY with every identify option after HELLO and emits hello', () => {
    const presence = { since: null, activities: [], status: PresenceUpdateStatus.Idle, afk: true };
    const { client, network } = setup({
      shard: [1, 4],
      largeThreshold: 100,
      presence,
      properties: { os: 'linux', browser: 'test', device: 'test' },
    });
    const hellos: number[] = [];
    client.on('hello', (intervalMs) => hellos.push(intervalMs));
    void client.connect();
    hello(network.last);
    expect(hellos).toEqual([HEARTBEAT_INTERVAL_MS]);
    expect(network.last.sent).toEqual([
      {
        op: 2,
        d: {
          token: TOKEN,
          intents: 513,
          properties: { os: 'linux', browser: 'test', device: 'test' },
          shard: [1, 4],
          large_threshold: 100,
          presence,
        },
      },
    ]);
  });

  it('resolves connect() on READY, stores the session and emits ready and dispatch', async () => {
    const { client, network } = setup();
    const seen: string[] = [];
    client.on('dispatch', (payload) => seen.push(`dispatch ${payload.t}`));
    client.on('ready', (data) => seen.push(`ready ${data.session_id}`));
    const connected = client.connect();
    hello(network.last);
    ready(network.last, 'abc');
    await connected;
    expect(seen).toEqual(['dispatch READY', 'ready abc']);
    expect(client.sessionId).toBe('abc');
    expect(client.sequence).toBe(1);
    await expect(client.connect()).resolves.toBeUndefined();
  });

  it('updates the sequence on every dispatch and emits it with t, s and d', async () => {
    const { client, network } = await readyHarness();
    const seen: unknown[] = [];
    client.on('dispatch', (payload) => seen.push(payload));
    dispatch(network.last, 2);
    dispatch(network.last, 3);
    expect(seen).toEqual([
      { op: 0, t: 'TYPING_START', s: 2, d: { n: 2 } },
      { op: 0, t: 'TYPING_START', s: 3, d: { n: 3 } },
    ]);
    expect(client.sequence).toBe(3);
  });

  it('keeps going when a listener throws, and reports the throw on debug', async () => {
    const { client, network } = await readyHarness();
    const debug: string[] = [];
    client.on('debug', (message) => debug.push(message));
    client.on('dispatch', () => {
      throw new Error('listener bug');
    });
    dispatch(network.last, 2);
    expect(client.sequence).toBe(2);
    expect(debug.some((message) => message.includes('listener bug'))).toBe(true);
  });
});

describe('GatewayClient: heartbeats', () => {
  it('sends the first heartbeat after interval * jitter, then one every interval, with the last seq', () => {
    const { client, network, scheduler, draw } = setup();
    draw.value = 0.25;
    void client.connect();
    hello(network.last);
    ready(network.last);
    const socket = network.last;
    scheduler.advance(2499);
    expect(socket.ops()).toEqual([2]);
    scheduler.advance(1);
    expect(socket.sent.at(-1)).toEqual({ op: 1, d: 1 });
    socket.receive({ op: 11 });
    dispatch(socket, 2);
    scheduler.advance(HEARTBEAT_INTERVAL_MS - 1);
    expect(socket.ops()).toEqual([2, 1]);
    scheduler.advance(1);
    expect(socket.sent.at(-1)).toEqual({ op: 1, d: 2 });
    socket.receive({ op: 11 });
    scheduler.advance(HEARTBEAT_INTERVAL_MS);
    expect(socket.ops()).toEqual([2, 1, 1, 1]);
    expect(network.sockets).toHaveLength(1);
  });

  it('sends null as the heartbeat seq before READY', () => {
    const { client, network, scheduler, draw } = setup();
    draw.value = 0;
    void client.connect();
    hello(network.last);
    scheduler.advance(0);
    expect(network.last.sent.at(-1)).toEqual({ op: 1, d: null });
  });

  it('answers a server HEARTBEAT (op 1) at once', async () => {
    const { network } = await readyHarness();
    network.last.receive({ op: 1, d: null });
    expect(network.last.sent.at(-1)).toEqual({ op: 1, d: 1 });
  });

  it('measures the ping from heartbeat to HEARTBEAT_ACK', async () => {
    const { client, network, scheduler } = await readyHarness();
    const acks: number[] = [];
    client.on('heartbeatAck', (pingMs) => acks.push(pingMs));
    expect(client.ping).toBeUndefined();
    scheduler.advance(HEARTBEAT_INTERVAL_MS / 2);
    scheduler.advance(42);
    network.last.receive({ op: 11 });
    expect(acks).toEqual([42]);
    expect(client.ping).toBe(42);
    network.last.receive({ op: 11 });
    expect(acks).toEqual([42]);
  });

  it('closes a zombie connection with 4000 when a heartbeat is due unacknowledged, then resumes', async () => {
    const { client, network, scheduler, reconnects, closes } = await readyHarness();
    const first = network.last;
    scheduler.advance(HEARTBEAT_INTERVAL_MS / 2);
    expect(first.ops()).toEqual([2, 1]);
    scheduler.advance(HEARTBEAT_INTERVAL_MS);
    expect(first.ops()).toEqual([2, 1]);
    expect(first.closedWith?.code).toBe(4000);
    expect(closes).toEqual([{ code: 4000, reason: 'zombie connection' }]);
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 500, resume: true }]);
    scheduler.advance(500);
    const second = network.last;
    expect(second).not.toBe(first);
    expect(second.url).toBe(`${RESUME_URL}?v=10&encoding=json`);
    const resumed = vi.fn();
    client.on('resumed', resumed);
    hello(second);
    expect(second.sent).toEqual([{ op: 6, d: { token: TOKEN, session_id: 'session-1', seq: 1 } }]);
    second.receive({ op: 0, t: 'RESUMED', s: 2, d: null });
    expect(resumed).toHaveBeenCalledTimes(1);
  });

  it('ignores frames and closes of a socket it has already dropped', async () => {
    const { client, network, scheduler, closes } = await readyHarness();
    const first = network.last;
    scheduler.advance(HEARTBEAT_INTERVAL_MS * 2);
    dispatch(first, 2);
    first.serverClose(4004);
    expect(client.sequence).toBe(1);
    expect(closes.map((close) => close.code)).toEqual([4000]);
  });
});

const STOP_CODES = [4004, 4010, 4011, 4012, 4013, 4014];
const REIDENTIFY_CODES = [4007, 4009];
const RESUME_CODES = [1000, 1001, 1006, 4000, 4001, 4002, 4003, 4005, 4008];

describe('GatewayClient: close codes', () => {
  it.each(STOP_CODES)(
    'stops for good after %i and emits a fatal error carrying it',
    async (code) => {
      const { client, network, scheduler, errors, reconnects } = await readyHarness();
      network.last.serverClose(code, 'nope');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(GatewayClientError);
      expect(errors[0]).toMatchObject({ code: 'GK_GATEWAY_CLIENT_FATAL_CLOSE', closeCode: code });
      scheduler.advance(600_000);
      expect(network.sockets).toHaveLength(1);
      expect(reconnects).toEqual([]);
      expect(client.sessionId).toBeUndefined();
    },
  );

  it.each(STOP_CODES)('rejects a pending connect() after %i', async (code) => {
    const { client, network } = setup();
    const connected = client.connect();
    hello(network.last);
    network.last.serverClose(code);
    await expect(connected).rejects.toMatchObject({
      code: 'GK_GATEWAY_CLIENT_FATAL_CLOSE',
      closeCode: code,
    });
  });

  it.each(REIDENTIFY_CODES)(
    'drops the session after %i and identifies on the gateway url',
    async (code) => {
      const { client, network, scheduler, reconnects } = await readyHarness();
      network.last.serverClose(code);
      expect(client.sessionId).toBeUndefined();
      expect(client.sequence).toBeNull();
      expect(reconnects).toEqual([{ attempt: 1, delayMs: 500, resume: false }]);
      scheduler.advance(500);
      expect(network.sockets).toHaveLength(2);
      expect(network.last.url).toBe('wss://gateway.test/?region=eu&v=10&encoding=json');
      hello(network.last);
      expect(network.last.ops()).toEqual([2]);
    },
  );

  it.each(RESUME_CODES)('resumes on the resume url after %i', async (code) => {
    const { network, scheduler, reconnects } = await readyHarness();
    dispatch(network.last, 2);
    network.last.serverClose(code);
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 500, resume: true }]);
    scheduler.advance(500);
    expect(network.last.url).toBe(`${RESUME_URL}?v=10&encoding=json`);
    hello(network.last);
    expect(network.last.sent).toEqual([
      { op: 6, d: { token: TOKEN, session_id: 'session-1', seq: 2 } },
    ]);
  });

  it('identifies again after a transient close before any READY', () => {
    const { client, network, scheduler, reconnects } = setup();
    void client.connect();
    network.last.serverClose(1006);
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 500, resume: false }]);
    scheduler.advance(500);
    hello(network.last);
    expect(network.last.ops()).toEqual([2]);
  });
});

describe('GatewayClient: reconnect backoff', () => {
  it('doubles the delay ceiling per failed attempt up to 60 s, with full jitter, and resets after READY', () => {
    const { client, network, scheduler, draw, reconnects } = setup();
    draw.value = 0.5;
    void client.connect();
    for (let i = 0; i < 9; i++) {
      network.last.serverClose(1006);
      scheduler.advance(reconnects.at(-1)!.delayMs);
    }
    expect(reconnects.map((event) => event.delayMs)).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(reconnects.map((event) => event.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    hello(network.last);
    ready(network.last);
    network.last.serverClose(1006);
    expect(reconnects.at(-1)).toEqual({ attempt: 1, delayMs: 500, resume: true });
  });

  it('draws each delay uniformly below the ceiling', () => {
    const { client, network, scheduler, draw, reconnects } = setup({
      backoff: { baseMs: 100, maxMs: 250 },
    });
    void client.connect();
    for (const value of [0, 0.999, 0.1, 0.999]) {
      draw.value = value;
      network.last.serverClose(1006);
      scheduler.advance(reconnects.at(-1)!.delayMs);
    }
    expect(reconnects.map((event) => event.delayMs)).toEqual([0, 199, 25, 249]);
  });

  it('does not open a socket before the delay has passed', () => {
    const { client, network, scheduler } = setup();
    void client.connect();
    network.last.serverClose(1006);
    scheduler.advance(499);
    expect(network.sockets).toHaveLength(1);
    scheduler.advance(1);
    expect(network.sockets).toHaveLength(2);
  });
});

describe('GatewayClient: RECONNECT and INVALID_SESSION', () => {
  it('closes with 4000 on RECONNECT (op 7) and resumes; RESUMED resolves a pending connect', async () => {
    const { client, network, scheduler, reconnects } = await readyHarness();
    const first = network.last;
    first.receive({ op: 7, d: null });
    expect(first.closedWith?.code).toBe(4000);
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 500, resume: true }]);
    const connected = client.connect();
    scheduler.advance(500);
    hello(network.last);
    expect(network.last.ops()).toEqual([6]);
    network.last.receive({ op: 0, t: 'RESUMED', s: 2, d: null });
    await expect(connected).resolves.toBeUndefined();
    expect(client.sequence).toBe(2);
  });

  it('on INVALID_SESSION(false) drops the session, closes 1000 and identifies after 1-5 s', async () => {
    const { client, network, scheduler, draw, reconnects } = await readyHarness();
    const invalid: boolean[] = [];
    client.on('invalidSession', (resumable) => invalid.push(resumable));
    const first = network.last;
    draw.value = 0.75;
    first.receive({ op: 9, d: false, s: null, t: null });
    expect(invalid).toEqual([false]);
    expect(client.sessionId).toBeUndefined();
    expect(first.closedWith?.code).toBe(1000);
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 4000, resume: false }]);
    scheduler.advance(3999);
    expect(network.sockets).toHaveLength(1);
    scheduler.advance(1);
    hello(network.last);
    expect(network.last.ops()).toEqual([2]);
    expect(network.last.url).toBe('wss://gateway.test/?region=eu&v=10&encoding=json');
  });

  it('on INVALID_SESSION(true) keeps the session, closes 4000 and resumes after 1-5 s', async () => {
    const { client, network, scheduler, draw, reconnects } = await readyHarness();
    draw.value = 0;
    network.last.receive({ op: 9, d: true, s: null, t: null });
    expect(client.sessionId).toBe('session-1');
    expect(network.last.closedWith?.code).toBe(4000);
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 1000, resume: true }]);
    scheduler.advance(1000);
    hello(network.last);
    expect(network.last.ops()).toEqual([6]);
  });
});

describe('GatewayClient: destroy', () => {
  it('closes with 1000, forgets the session and rejects a pending connect', async () => {
    const { client, network, scheduler } = await readyHarness();
    const first = network.last;
    first.receive({ op: 7, d: null });
    const connected = client.connect();
    client.destroy();
    await expect(connected).rejects.toMatchObject({ code: 'GK_GATEWAY_CLIENT_DESTROYED' });
    scheduler.advance(600_000);
    expect(network.sockets).toHaveLength(1);
    expect(client.sessionId).toBeUndefined();
  });

  it('closes the open socket with 1000 by default', async () => {
    const { client, network, closes } = await readyHarness();
    client.destroy();
    expect(network.last.closedWith?.code).toBe(1000);
    expect(closes).toEqual([{ code: 1000, reason: 'client destroyed' }]);
  });

  it('with resumable closes 4000 and keeps the session, so the next connect resumes', async () => {
    const { client, network } = await readyHarness();
    client.destroy({ resumable: true });
    expect(network.last.closedWith?.code).toBe(4000);
    expect(client.sessionId).toBe('session-1');
    void client.connect();
    expect(network.sockets).toHaveLength(2);
    hello(network.last);
    expect(network.last.sent).toEqual([
      { op: 6, d: { token: TOKEN, session_id: 'session-1', seq: 1 } },
    ]);
  });

  it.each([[{ code: 999 }], [{ code: 1001 }], [{ code: 5000 }], [{ code: 1000, resumable: true }]])(
    'refuses %o with GK_GATEWAY_CLIENT_INVALID_OPTION',
    (options) => {
      const { client } = setup();
      expect(() => client.destroy(options)).toThrow(
        expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_OPTION' }),
      );
    },
  );
});

describe('GatewayClient: send', () => {
  const presence: GatewayUpdatePresence = {
    op: GatewayOpcodes.PresenceUpdate,
    d: { since: null, activities: [], status: PresenceUpdateStatus.Online, afk: false },
  };

  it('refuses before READY with GK_GATEWAY_CLIENT_NOT_READY', () => {
    const { client, network } = setup();
    void client.connect();
    hello(network.last);
    expect(() => client.send(presence)).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_NOT_READY' }),
    );
  });

  it('sends application frames on the ready socket', async () => {
    const { client, network } = await readyHarness();
    client.send(presence);
    client.send({ op: 14, d: { guild_id: '1', channels: { '2': [[0, 99]] } } });
    expect(network.last.sent.slice(1)).toEqual([
      presence,
      { op: 14, d: { guild_id: '1', channels: { '2': [[0, 99]] } } },
    ]);
  });

  it('refuses the ops the client sends itself and frames over 4096 bytes', async () => {
    const { client } = await readyHarness();
    const identify = { op: 2, d: {} } as unknown as Parameters<GatewayClient['send']>[0];
    expect(() => client.send(identify)).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_PAYLOAD' }),
    );
    const huge = { op: 14, d: { guild_id: 'x'.repeat(4096), channels: {} } } as const;
    expect(() => client.send(huge)).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_PAYLOAD' }),
    );
  });

  it('throws GK_GATEWAY_CLIENT_RATE_LIMITED once the budget minus the reserve is spent, until the window passes', async () => {
    const { client, network, scheduler } = await readyHarness({
      rateLimit: { limit: 10, windowMs: 1000, reserved: 2 },
    });
    // IDENTIFY took 1 of the 8 usable slots.
    for (let i = 0; i < 7; i++) client.send(presence);
    expect(() => client.send(presence)).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_RATE_LIMITED' }),
    );
    expect(network.last.sent).toHaveLength(8);
    scheduler.advance(1000);
    client.send(presence);
    expect(network.last.sent).toHaveLength(9);
  });
});

describe('GatewayClient: options', () => {
  it('rejects a url that is not ws/wss', () => {
    expect(() => setup({ url: 'https://gateway.test' })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_OPTION' }),
    );
    expect(() => setup({ url: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_OPTION' }),
    );
  });

  it('rejects a backoff whose cap is below its base, and a reserve as large as the limit', () => {
    expect(() => setup({ backoff: { baseMs: 2000, maxMs: 1000 } })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_OPTION' }),
    );
    expect(() => setup({ rateLimit: { limit: 4, reserved: 4 } })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_INVALID_OPTION' }),
    );
  });

  it('throws GK_GATEWAY_CLIENT_NO_WEBSOCKET without a WebSocket option or global', () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      expect(
        () => new GatewayClient({ url: 'wss://gateway.test', token: TOKEN, intents: 0 }),
      ).toThrow(expect.objectContaining({ code: 'GK_GATEWAY_CLIENT_NO_WEBSOCKET' }));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('uses globalThis.WebSocket by default', () => {
    const network = new FakeNetwork();
    vi.stubGlobal('WebSocket', network.WebSocket);
    try {
      void new GatewayClient({ url: 'wss://gateway.test', token: TOKEN, intents: 0 }).connect();
      expect(network.sockets).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('GatewayClient: zlib-stream', () => {
  it('inflates binary frames of one zlib context, including a message split over two frames', async () => {
    const { client, network } = setup({ compress: true });
    const deflater = new TestDeflater();
    const seen: number[] = [];
    client.on('dispatch', (payload) => seen.push(payload.s));
    const connected = client.connect();
    const socket = network.last;
    socket.open();
    socket.receive(await deflater.compress('{"op":10,"d":{"heartbeat_interval":10000}}'));
    expect(socket.ops()).toEqual([2]);
    const readyText = JSON.stringify({
      op: 0,
      t: 'READY',
      s: 1,
      d: { session_id: 's', resume_gateway_url: RESUME_URL, guilds: [] },
    });
    const readyBytes = await deflater.compress(readyText);
    socket.receive(readyBytes.subarray(0, 5));
    expect(seen).toEqual([]);
    socket.receive(readyBytes.subarray(5));
    await connected;
    socket.receive(await deflater.compress('{"op":0,"t":"TYPING_START","s":2,"d":{}}'));
    expect(seen).toEqual([1, 2]);
    deflater.close();
  });

  it('closes with 4000 and reconnects when a frame does not inflate', () => {
    const { client, network, reconnects } = setup({ compress: true });
    void client.connect();
    network.last.open();
    network.last.receive(new Uint8Array([9, 9, 9, 9, 0, 0, 0xff, 0xff]));
    expect(network.last.closedWith?.code).toBe(4000);
    expect(reconnects).toHaveLength(1);
  });
});
