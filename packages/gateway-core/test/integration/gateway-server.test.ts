import {
  type AuthenticatedUser,
  GatewayError,
  GatewayServer,
  type GatewayServerOptions,
  prepareDispatch,
} from '@guildkit/gateway-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { identify, resume, TOKEN, USER } from '../support/harness.js';
import { RawClient as Client } from '../support/raw-client.js';

const open: { servers: GatewayServer[]; clients: Client[] } = { servers: [], clients: [] };

afterEach(async () => {
  for (const client of open.clients.splice(0)) client.socket.terminate();
  await Promise.all(open.servers.splice(0).map((server) => server.close()));
});

async function startServer(
  extra: Partial<GatewayServerOptions> = {},
): Promise<{ server: GatewayServer; base: string }> {
  const server = new GatewayServer({
    authenticate: async (token): Promise<AuthenticatedUser | null> =>
      token === TOKEN ? { user: USER } : null,
    guildIds: () => ['1000'],
    ...extra,
  });
  open.servers.push(server);
  const { port } = await server.listen();
  return { server, base: `ws://127.0.0.1:${port}` };
}

function connect(url: string): Client {
  const client = new Client(url);
  open.clients.push(client);
  return client;
}

async function ready(base: string): Promise<{ client: Client; sessionId: string }> {
  const client = connect(`${base}/?v=10&encoding=json`);
  expect((await client.next()).op).toBe(10);
  client.send(identify());
  const frame = await client.next();
  expect(frame).toMatchObject({ op: 0, t: 'READY', s: 1 });
  return { client, sessionId: (frame.d as { session_id: string }).session_id };
}

describe('GatewayServer over real sockets', () => {
  it('sends HELLO with the heartbeat interval as the first frame', async () => {
    const { base } = await startServer({ heartbeatIntervalMs: 45_000 });
    const client = connect(`${base}/?v=10&encoding=json`);
    expect(await client.next()).toEqual({ op: 10, d: { heartbeat_interval: 45_000 } });
  });

  it('answers IDENTIFY with READY carrying the session id, guild stubs and resume url', async () => {
    const { base } = await startServer();
    const client = connect(`${base}/?v=10&encoding=json`);
    await client.next();
    client.send(identify());
    const frame = await client.next();
    expect(frame).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      d: {
        v: 10,
        user: USER,
        guilds: [{ id: '1000', unavailable: true }],
        resume_gateway_url: base,
        shard: [0, 1],
      },
    });
  });

  it('answers a heartbeat with HEARTBEAT_ACK', async () => {
    const { client } = await ready((await startServer()).base);
    client.send('{"op":1,"d":1}');
    expect(await client.next()).toEqual({ op: 11 });
  });

  it('delivers dispatchToSession frames with the next sequence number', async () => {
    const { server, base } = await startServer();
    const { client, sessionId } = await ready(base);
    expect(server.dispatchToSession(sessionId, prepareDispatch('TYPING_START', { a: 1 }))).toBe(2);
    expect(await client.next()).toEqual({ op: 0, t: 'TYPING_START', s: 2, d: { a: 1 } });
    expect(server.dispatchToSession('no-such-session', prepareDispatch('X', null))).toBe(undefined);
  });

  it('closes 4004 on a bad token', async () => {
    const client = connect(`${(await startServer()).base}/?v=10&encoding=json`);
    await client.next();
    client.send(identify({ token: 'wrong' }));
    expect((await client.closed).code).toBe(4004);
  });

  it.each([
    ['/?v=9&encoding=json', 4012],
    ['/?encoding=json', 4012],
    ['/?v=10&encoding=etf', 4002],
    ['/?v=10&encoding=json&compress=zlib', 4002],
  ])('closes a handshake to %s with %i before HELLO', async (path, code) => {
    const client = connect(`${(await startServer()).base}${path}`);
    expect((await client.closed).code).toBe(code);
  });

  it('closes 4002 (not ws 1009) on a frame over 4096 bytes', async () => {
    const client = connect(`${(await startServer()).base}/?v=10&encoding=json`);
    await client.next();
    client.send(JSON.stringify({ op: 1, d: null, pad: 'x'.repeat(4096) }));
    expect((await client.closed).code).toBe(4002);
  });

  it('closes 4002 on invalid JSON and 4001 on an unknown opcode', async () => {
    const { base } = await startServer();
    const badJson = connect(`${base}/?v=10&encoding=json`);
    await badJson.next();
    badJson.send('{"op":1,');
    expect((await badJson.closed).code).toBe(4002);
    const badOp = connect(`${base}/?v=10&encoding=json`);
    await badOp.next();
    badOp.send('{"op":99,"d":null}');
    expect((await badOp.closed).code).toBe(4001);
  });

  it('replays the missed dispatches then RESUMED after the socket is cut', async () => {
    const { server, base } = await startServer();
    const first = await ready(base);
    server.dispatchToSession(first.sessionId, prepareDispatch('TYPING_START', { n: 2 }));
    expect((await first.client.next()).s).toBe(2);
    first.client.socket.terminate();
    await vi.waitFor(() => expect(server.connectionCount).toBe(0));
    server.dispatchToSession(first.sessionId, prepareDispatch('TYPING_START', { n: 3 }));
    server.dispatchToSession(first.sessionId, prepareDispatch('TYPING_START', { n: 4 }));

    const second = connect(`${base}/?v=10&encoding=json`);
    await second.next();
    second.send(resume(first.sessionId, 2));
    expect(await second.next()).toEqual({ op: 0, t: 'TYPING_START', s: 3, d: { n: 3 } });
    expect(await second.next()).toEqual({ op: 0, t: 'TYPING_START', s: 4, d: { n: 4 } });
    expect(await second.next()).toEqual({ op: 0, t: 'RESUMED', s: 5, d: null });
  });

  it('sends RECONNECT on close(), closes 1012 after the drain timeout, and refuses to listen again', async () => {
    const { server, base } = await startServer({ drainTimeoutMs: 100 });
    const { client } = await ready(base);
    await server.close();
    expect(await client.next()).toEqual({ op: 7, d: null });
    expect((await client.closed).code).toBe(1012);
    await expect(server.listen()).rejects.toMatchObject({ code: 'GK_GATEWAY_CLOSED' });
  });

  it('rejects listen with GK_GATEWAY_LISTEN_FAILED when the port is taken', async () => {
    const { server } = await startServer();
    const port = server.address()?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    const second = new GatewayServer({ port, authenticate: async () => null });
    open.servers.push(second);
    const failure = await second.listen().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ code: 'GK_GATEWAY_LISTEN_FAILED' });
  });
});
