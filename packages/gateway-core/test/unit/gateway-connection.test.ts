import { prepareDispatch } from '@guildkit/gateway-core';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT, identify, resume, Server, TOKEN, USER } from '../support/harness.js';

async function ready(server = new Server()) {
  const { connection, transport } = server.connect();
  await connection.receive(identify());
  return { server, connection, transport };
}

describe('GatewayConnection: connection lifecycle', () => {
  it('sends HELLO with the default heartbeat_interval of 41250 on open', () => {
    const { transport } = new Server().connect();
    expect(transport.frames).toEqual([{ op: 10, d: { heartbeat_interval: 41250 } }]);
  });

  it('sends HELLO with a configured heartbeat_interval', () => {
    const { transport } = new Server({ heartbeatIntervalMs: 1000 }).connect();
    expect(transport.frames[0]).toEqual({ op: 10, d: { heartbeat_interval: 1000 } });
  });

  it('answers HEARTBEAT with HEARTBEAT_ACK (op 11), even before IDENTIFY', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive(HEARTBEAT);
    expect(transport.frames[1]).toEqual({ op: 11 });
    expect(transport.closed).toBeUndefined();
  });

  it('sends READY as op 0, t READY, s 1 with v 10, user, session_id, resume_gateway_url, guild stubs and shard', async () => {
    // (id >> 22) % 4: 4194304 -> 1, 8388608 -> 2, 20971520 -> 5 % 4 = 1; only shard 1's guilds stay.
    const server = new Server({ guildIds: () => ['4194304', '8388608', '20971520'] });
    const { connection, transport } = server.connect();
    await connection.receive(identify({ shard: [1, 4] }));
    expect(transport.frames[1]).toEqual({
      op: 0,
      t: 'READY',
      s: 1,
      d: {
        v: 10,
        user: USER,
        guilds: [
          { id: '4194304', unavailable: true },
          { id: '20971520', unavailable: true },
        ],
        session_id: 'session-1',
        resume_gateway_url: 'wss://gateway.test',
        shard: [1, 4],
        application: { id: USER.id, flags: 0 },
      },
    });
    expect(connection.session?.id).toBe('session-1');
    expect(connection.session?.intents).toBe(513);
  });

  it('defaults the shard to [0, 1] and calls onReady with the session', async () => {
    const seen: string[] = [];
    const server = new Server({ onReady: (session) => seen.push(session.id) });
    const { transport } = await ready(server);
    expect(transport.frames[1]).toMatchObject({ t: 'READY', d: { shard: [0, 1] } });
    expect(seen).toEqual(['session-1']);
  });

  it('numbers dispatches after READY 2, 3, 4', async () => {
    const { connection, transport } = await ready();
    const prepared = prepareDispatch('TYPING_START', { channel_id: '1' });
    expect(connection.session?.dispatch(prepared)).toBe(2);
    connection.session?.dispatch(prepared);
    connection.session?.dispatch(prepared);
    expect(transport.dispatchSeqs()).toEqual([1, 2, 3, 4]);
    expect(transport.frames.at(-1)).toEqual({
      op: 0,
      t: 'TYPING_START',
      s: 4,
      d: { channel_id: '1' },
    });
  });

  it('passes other frames of a ready session to onFrame', async () => {
    const ops: number[] = [];
    const server = new Server({ onFrame: (_session, frame) => ops.push(frame.op) });
    const { connection } = await ready(server);
    await connection.receive(
      JSON.stringify({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } }),
    );
    expect(ops).toEqual([3]);
  });
});

describe('GatewayConnection: close codes', () => {
  it('closes with 4003 on a frame other than HEARTBEAT before IDENTIFY', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive(
      JSON.stringify({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } }),
    );
    expect(transport.closed?.code).toBe(4003);
  });

  it('closes with 4004 when authenticate rejects the token', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive(identify({ token: 'bad' }));
    expect(transport.closed?.code).toBe(4004);
    expect(connection.session).toBeUndefined();
  });

  it('closes with 4005 on a second IDENTIFY', async () => {
    const { connection, transport } = await ready();
    await connection.receive(identify());
    expect(transport.closed?.code).toBe(4005);
  });

  it('closes with 4005 on IDENTIFY while the first is still authenticating', async () => {
    const { connection, transport } = new Server().connect();
    const first = connection.receive(identify());
    await connection.receive(identify());
    await first;
    expect(transport.closed?.code).toBe(4005);
    expect(transport.dispatchSeqs()).toEqual([]);
  });

  it('closes with 4005 on RESUME after IDENTIFY', async () => {
    const { connection, transport } = await ready();
    await connection.receive(resume('session-1', 1));
    expect(transport.closed?.code).toBe(4005);
  });

  it('closes with 4008 on the 121st frame within 60 s', async () => {
    const { server, connection, transport } = await ready();
    for (let i = 0; i < 119; i++) await connection.receive(HEARTBEAT);
    expect(transport.closed).toBeUndefined();
    await connection.receive(HEARTBEAT);
    expect(transport.closed?.code).toBe(4008);
    expect(server.registry.get('session-1', server.scheduler.clock.now())).toBeDefined();
  });

  it('closes with 4010 when shard_id is not below shard_count', async () => {
    for (const shard of [
      [1, 1],
      [0, 0],
      [5, 2],
    ]) {
      const { connection, transport } = new Server().connect();
      await connection.receive(identify({ shard }));
      expect(transport.closed?.code).toBe(4010);
    }
  });

  it('closes with 4013 on intents Discord does not define', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive(identify({ intents: 1 << 30 }));
    expect(transport.closed?.code).toBe(4013);
  });

  it('closes with 4014 on a privileged intent the policy does not grant', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive(identify({ intents: GatewayIntentBits.MessageContent }));
    expect(transport.closed?.code).toBe(4014);
  });

  it('accepts a privileged intent the policy grants', async () => {
    const server = new Server({ grantedPrivilegedIntents: () => GatewayIntentBits.MessageContent });
    const { connection, transport } = server.connect();
    await connection.receive(identify({ intents: GatewayIntentBits.MessageContent }));
    expect(transport.closed).toBeUndefined();
    expect(transport.dispatchSeqs()).toEqual([1]);
  });

  it('closes with the decoder close code: 4002 for invalid JSON, 4001 for an unknown op', async () => {
    const a = new Server().connect();
    await a.connection.receive('{nope');
    expect(a.transport.closed?.code).toBe(4002);
    const b = new Server().connect();
    await b.connection.receive(JSON.stringify({ op: 99, d: null }));
    expect(b.transport.closed?.code).toBe(4001);
  });

  it('ignores frames after it closed', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive('{nope');
    await connection.receive(HEARTBEAT);
    expect(transport.frames.map((frame) => frame.op)).toEqual([10]);
  });
});

describe('GatewayConnection: zombie detection', () => {
  it('closes with 4009 when no HEARTBEAT arrives within 1.5 intervals', () => {
    const server = new Server({ heartbeatIntervalMs: 10_000 });
    const { transport } = server.connect();
    server.scheduler.advance(14_000);
    expect(transport.closed).toBeUndefined();
    server.scheduler.advance(2_000);
    expect(transport.closed?.code).toBe(4009);
  });

  it('pushes the deadline back on every HEARTBEAT', async () => {
    const server = new Server({ heartbeatIntervalMs: 10_000 });
    const { connection, transport } = server.connect();
    for (let i = 0; i < 5; i++) {
      server.scheduler.advance(10_000);
      await connection.receive(HEARTBEAT);
    }
    expect(transport.closed).toBeUndefined();
    server.scheduler.advance(16_000);
    expect(transport.closed?.code).toBe(4009);
  });

  it('ends the session of a zombie connection: it cannot be resumed', async () => {
    const server = new Server({ heartbeatIntervalMs: 10_000 });
    const { connection } = await ready(server);
    server.scheduler.advance(16_000);
    expect(connection.session?.ended).toBe(true);
    const next = server.connect();
    await next.connection.receive(resume('session-1', 1));
    expect(next.transport.frames.at(-1)).toEqual({ op: 9, d: false });
  });
});

describe('GatewayConnection: RESUME', () => {
  it('replays exactly the missed dispatches in order, then RESUMED', async () => {
    const { server, connection, transport } = await ready();
    const session = connection.session!;
    session.dispatch(prepareDispatch('A', 2));
    connection.peerClosed(4000);
    session.dispatch(prepareDispatch('B', 3));
    session.dispatch(prepareDispatch('C', 4));
    expect(transport.dispatchSeqs()).toEqual([1, 2]);

    const next = server.connect();
    await next.connection.receive(resume('session-1', 2));
    expect(next.transport.frames.slice(1)).toEqual([
      { op: 0, t: 'B', s: 3, d: 3 },
      { op: 0, t: 'C', s: 4, d: 4 },
      { op: 0, t: 'RESUMED', s: 5, d: null },
    ]);
    expect(next.connection.session).toBe(session);
    session.dispatch(prepareDispatch('D', 6));
    expect(next.transport.dispatchSeqs()).toEqual([3, 4, 5, 6]);
  });

  it('answers INVALID_SESSION (op 9, d false) for an unknown session', async () => {
    const { connection, transport } = new Server().connect();
    await connection.receive(resume('nope', 0));
    expect(transport.frames.at(-1)).toEqual({ op: 9, d: false });
    expect(transport.closed).toBeUndefined();
  });

  it('answers INVALID_SESSION for a wrong token and keeps the session resumable', async () => {
    const { server, connection } = await ready();
    connection.peerClosed(1006);
    const wrong = server.connect();
    await wrong.connection.receive(resume('session-1', 1, 'other-token'));
    expect(wrong.transport.frames.at(-1)).toEqual({ op: 9, d: false });
    const right = server.connect();
    await right.connection.receive(resume('session-1', 1, TOKEN));
    expect(right.transport.frames.at(-1)).toMatchObject({ t: 'RESUMED', s: 2 });
  });

  it('answers INVALID_SESSION for a seq ahead of the session or already out of the buffer', async () => {
    const server = new Server({ replayCapacity: 2 });
    const { connection } = await ready(server);
    for (let i = 0; i < 3; i++) connection.session?.dispatch(prepareDispatch('X', i));
    connection.peerClosed(1006);
    const ahead = server.connect();
    await ahead.connection.receive(resume('session-1', 9));
    expect(ahead.transport.frames.at(-1)).toEqual({ op: 9, d: false });
    const dropped = server.connect();
    await dropped.connection.receive(resume('session-1', 1));
    expect(dropped.transport.frames.at(-1)).toEqual({ op: 9, d: false });
  });

  it('ends the session on a client close with 1000 or 1001', async () => {
    for (const code of [1000, 1001]) {
      const { server, connection } = await ready();
      connection.peerClosed(code);
      expect(connection.session?.ended).toBe(true);
      const next = server.connect();
      await next.connection.receive(resume('session-1', 1));
      expect(next.transport.frames.at(-1)).toEqual({ op: 9, d: false });
    }
  });

  it('keeps a dropped session resumable for 3 minutes by default, not longer', async () => {
    const { server, connection } = await ready();
    connection.peerClosed(1006);
    server.scheduler.advance(179_000);
    const inside = server.connect();
    await inside.connection.receive(resume('session-1', 1));
    expect(inside.transport.frames.at(-1)).toMatchObject({ t: 'RESUMED' });
    inside.connection.peerClosed(1006);
    server.scheduler.advance(181_000);
    expect(inside.connection.session?.ended).toBe(true);
    const outside = server.connect();
    await outside.connection.receive(resume('session-1', 2));
    expect(outside.transport.frames.at(-1)).toEqual({ op: 9, d: false });
  });

  it('does not let a resumed session be resumed twice', async () => {
    const { server, connection } = await ready();
    connection.peerClosed(1006);
    const first = server.connect();
    await first.connection.receive(resume('session-1', 1));
    const second = server.connect();
    await second.connection.receive(resume('session-1', 1));
    expect(second.transport.frames.at(-1)).toEqual({ op: 9, d: false });
  });
});

describe('GatewayConnection: races', () => {
  it('sends no READY when the socket closes while authenticate is pending', async () => {
    const { connection, transport } = new Server().connect();
    const pending = connection.receive(identify());
    connection.peerClosed(1006);
    await pending;
    expect(transport.dispatchSeqs()).toEqual([]);
    expect(connection.session).toBeUndefined();
  });

  it('sends HELLO only once when opened twice', async () => {
    const server = new Server();
    const { connection, transport } = server.connect();
    connection.open();
    expect(transport.frames.filter((frame) => frame.op === 10)).toHaveLength(1);
  });
});

describe('GatewayConnection: a failing authenticate', () => {
  it('closes with 4000 and does not reject when authenticate rejects', async () => {
    const server = new Server({ authenticate: () => Promise.reject(new Error('db down')) });
    const { connection, transport } = server.connect();
    await expect(connection.receive(identify())).resolves.toBeUndefined();
    expect(transport.closed?.code).toBe(4000);
  });
});
