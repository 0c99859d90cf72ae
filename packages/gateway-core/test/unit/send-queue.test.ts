import {
  type AuthenticatedUser,
  DEFAULT_SEND_QUEUE_LIMITS,
  GatewayConnection,
  GatewayError,
  GatewayErrorCode,
  GatewaySession,
  LOW_PRIORITY_EVENTS,
  prepareDispatch,
  SEND_QUEUE_OVERFLOW_CLOSE_CODE,
  type SendQueueLimits,
} from '@guildkit/gateway-core';
import { GatewayCloseCodes } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FakeTransport, identify, resume, Server, TOKEN, USER } from '../support/harness.js';

/** A transport whose send queue a test fills by hand. */
class CongestedTransport extends FakeTransport {
  queuedBytes = 0;

  bufferedBytes(): number {
    return this.queuedBytes;
  }
}

const LIMITS: SendQueueLimits = { lowPriorityDropBytes: 1000, maxBufferedBytes: 5000 };

const TYPING = prepareDispatch('TYPING_START', { channel_id: '1', user_id: '2', timestamp: 0 });
const PRESENCE = prepareDispatch('PRESENCE_UPDATE', { user: { id: '2' }, status: 'online' });
const MESSAGE = prepareDispatch('MESSAGE_CREATE', { id: '1', channel_id: '1', content: 'hi' });

function attachedSession(limits: SendQueueLimits = LIMITS) {
  const transport = new CongestedTransport();
  const session = new GatewaySession({
    sessionId: 's',
    token: TOKEN,
    user: USER,
    intents: 0,
    shard: [0, 1],
    sendQueue: limits,
  });
  session.attach(transport, 0);
  return { session, transport };
}

describe('send queue: priorities', () => {
  it('marks TYPING_START and PRESENCE_UPDATE low priority, MESSAGE_CREATE normal', () => {
    expect([...LOW_PRIORITY_EVENTS].sort()).toEqual(['PRESENCE_UPDATE', 'TYPING_START']);
    expect(TYPING.priority).toBe('low');
    expect(PRESENCE.priority).toBe('low');
    expect(MESSAGE.priority).toBe('normal');
    expect(prepareDispatch('TYPING_START', {}, { priority: 'normal' }).priority).toBe('normal');
    expect(prepareDispatch('MESSAGE_CREATE', {}, { priority: 'low' }).priority).toBe('low');
  });

  it('defaults to 256 KiB for dropping low priority and 4 MiB for overflow', () => {
    expect(DEFAULT_SEND_QUEUE_LIMITS).toEqual({
      lowPriorityDropBytes: 262_144,
      maxBufferedBytes: 4_194_304,
    });
  });
});

describe('send queue: low-priority drops', () => {
  it('sends TYPING_START while the queue is at or below lowPriorityDropBytes', () => {
    const { session, transport } = attachedSession();
    transport.queuedBytes = 1000;
    expect(session.dispatch(TYPING)).toBe(1);
    expect(transport.dispatchSeqs()).toEqual([1]);
    expect(session.droppedLowPriority).toBe(0);
  });

  it('skips TYPING_START above lowPriorityDropBytes without consuming a seq, still sends MESSAGE_CREATE', () => {
    const { session, transport } = attachedSession();
    expect(session.dispatch(MESSAGE)).toBe(1);
    transport.queuedBytes = 1001;

    expect(session.dispatch(TYPING)).toBeUndefined();
    expect(session.dispatch(PRESENCE)).toBeUndefined();
    expect(session.seq).toBe(1);
    expect(session.droppedLowPriority).toBe(2);

    expect(session.dispatch(MESSAGE)).toBe(2);
    expect(transport.frames).toEqual([
      { op: 0, t: 'MESSAGE_CREATE', s: 1, d: { id: '1', channel_id: '1', content: 'hi' } },
      { op: 0, t: 'MESSAGE_CREATE', s: 2, d: { id: '1', channel_id: '1', content: 'hi' } },
    ]);
    expect(transport.closed).toBeUndefined();
  });

  it('sends low priority again once the queue drains', () => {
    const { session, transport } = attachedSession();
    transport.queuedBytes = 4000;
    expect(session.dispatch(TYPING)).toBeUndefined();
    transport.queuedBytes = 0;
    expect(session.dispatch(TYPING)).toBe(1);
    expect(session.droppedLowPriority).toBe(1);
  });

  it('follows an explicit priority rather than the event name', () => {
    const { session, transport } = attachedSession();
    transport.queuedBytes = 2000;
    expect(session.dispatch(prepareDispatch('MESSAGE_CREATE', {}, { priority: 'low' }))).toBe(
      undefined,
    );
    expect(session.dispatch(prepareDispatch('TYPING_START', {}, { priority: 'normal' }))).toBe(1);
  });

  it('never drops when the transport does not report its queue', () => {
    const transport = new FakeTransport();
    const session = new GatewaySession({
      sessionId: 's',
      token: TOKEN,
      user: USER,
      intents: 0,
      shard: [0, 1],
      sendQueue: { lowPriorityDropBytes: 0, maxBufferedBytes: 0 },
    });
    session.attach(transport, 0);
    for (let i = 0; i < 3; i++) session.dispatch(TYPING);
    expect(transport.dispatchSeqs()).toEqual([1, 2, 3]);
    expect(transport.closed).toBeUndefined();
  });
});

describe('send queue: overflow', () => {
  it('closes with 4000 once a send leaves more than maxBufferedBytes queued, keeping the frame', () => {
    const { session, transport } = attachedSession();
    transport.queuedBytes = 5000;
    expect(session.dispatch(MESSAGE)).toBe(1);
    expect(transport.closed).toBeUndefined();

    transport.queuedBytes = 5001;
    expect(session.dispatch(MESSAGE)).toBe(2);

    expect(SEND_QUEUE_OVERFLOW_CLOSE_CODE).toBe(GatewayCloseCodes.UnknownError);
    expect(transport.closed?.code).toBe(4000);
    expect(transport.dispatchSeqs()).toEqual([1, 2]);
    expect(session.attached).toBe(false);
    expect(session.ended).toBe(false);

    expect(session.dispatch(MESSAGE)).toBe(3);
    expect(transport.dispatchSeqs()).toEqual([1, 2]);
    const next = new FakeTransport();
    expect(session.attach(next, 1)).toBe(true);
    expect(next.dispatchSeqs()).toEqual([2, 3]);
  });

  it('releases the connection session as resumable: a RESUME on a new connection replays after its seq', async () => {
    const server = new Server({ sendQueue: LIMITS });
    const congested = new CongestedTransport();
    const connection = connectWith(server, congested);
    await connection.receive(identify());
    const session = connection.session!;
    session.dispatch(prepareDispatch('A', 2));
    session.dispatch(prepareDispatch('B', 3));

    congested.queuedBytes = 6000;
    session.dispatch(prepareDispatch('C', 4));

    expect(congested.closed?.code).toBe(4000);
    expect(connection.closed).toBe(true);
    expect(server.registry.get(session.id, server.scheduler.clock.now())).toBe(session);
    session.dispatch(prepareDispatch('D', 5));
    expect(congested.dispatchSeqs()).toEqual([1, 2, 3, 4]);

    const next = server.connect();
    await next.connection.receive(resume(session.id, 2));
    expect(next.transport.frames.slice(1)).toEqual([
      { op: 0, t: 'B', s: 3, d: 3 },
      { op: 0, t: 'C', s: 4, d: 4 },
      { op: 0, t: 'D', s: 5, d: 5 },
      { op: 0, t: 'RESUMED', s: 6, d: null },
    ]);
    expect(next.connection.session).toBe(session);
  });

  it('ignores the socket close event that follows its own overflow close', async () => {
    const server = new Server({ sendQueue: LIMITS });
    const congested = new CongestedTransport();
    const connection = connectWith(server, congested);
    await connection.receive(identify());
    congested.queuedBytes = 6000;
    connection.session?.dispatch(MESSAGE);
    connection.peerClosed(1000);
    expect(connection.session?.ended).toBe(false);
    const next = server.connect();
    await next.connection.receive(resume('session-1', 2));
    expect(next.transport.frames.at(-1)).toMatchObject({ t: 'RESUMED', s: 3 });
  });
});

describe('send queue: limits', () => {
  it.each([
    [
      'lowPriorityDropBytes above maxBufferedBytes',
      { lowPriorityDropBytes: 10, maxBufferedBytes: 9 },
    ],
    ['a negative lowPriorityDropBytes', { lowPriorityDropBytes: -1, maxBufferedBytes: 9 }],
    ['a NaN lowPriorityDropBytes', { lowPriorityDropBytes: Number.NaN, maxBufferedBytes: 9 }],
    ['a NaN maxBufferedBytes', { lowPriorityDropBytes: 0, maxBufferedBytes: Number.NaN }],
    [
      'an infinite maxBufferedBytes',
      { lowPriorityDropBytes: 0, maxBufferedBytes: Number.POSITIVE_INFINITY },
    ],
  ])('throws GK_GATEWAY_INVALID_OPTION for %s', (_name, limits: SendQueueLimits) => {
    let thrown: unknown;
    try {
      new GatewaySession({
        sessionId: 's',
        token: TOKEN,
        user: USER,
        intents: 0,
        shard: [0, 1],
        sendQueue: limits,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect((thrown as GatewayError).code).toBe(GatewayErrorCode.InvalidOption);
  });

  it('accepts equal limits and zero', () => {
    expect(() => attachedSession({ lowPriorityDropBytes: 0, maxBufferedBytes: 0 })).not.toThrow();
    expect(() => attachedSession({ lowPriorityDropBytes: 7, maxBufferedBytes: 7 })).not.toThrow();
  });
});

/** Like `Server.connect`, but on a transport the test controls. */
function connectWith(server: Server, transport: FakeTransport): GatewayConnection {
  const connection = new GatewayConnection({
    transport,
    clock: server.scheduler.clock,
    wheel: server.wheel,
    registry: server.registry,
    resumeGatewayUrl: 'wss://gateway.test',
    authenticate: (token): Promise<AuthenticatedUser | null> =>
      Promise.resolve(token === TOKEN ? { user: USER } : null),
    createSessionId: () => 'session-1',
    ...server.overrides,
  });
  connection.open();
  return connection;
}
