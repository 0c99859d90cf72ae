import { GatewayFanOut, GatewaySession, prepareDispatch } from '@guildkit/gateway-core';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FakeTransport, type SentFrame, TOKEN, USER } from '../support/harness.js';

/** A transport whose send queue a test fills by hand. */
class CongestedTransport extends FakeTransport {
  queuedBytes = 0;

  bufferedBytes(): number {
    return this.queuedBytes;
  }
}

const GUILDS = GatewayIntentBits.Guilds;
const GUILD_MESSAGES = GatewayIntentBits.GuildMessages;
const DIRECT_MESSAGES = GatewayIntentBits.DirectMessages;
const MESSAGE_CONTENT = GatewayIntentBits.MessageContent;
const TYPING = GatewayIntentBits.GuildMessageTyping;

/** Above the default 256 KiB where low priority is dropped, below the 4 MiB overflow. */
const BETWEEN_THE_LIMITS = 1024 * 1024;

// (81384788765712384 >> 22) = 19403645698: % 2 = 0, % 4 = 2.
const GUILD_A = '81384788765712384';
// (4194304 >> 22) = 1: % 2 = 1, % 4 = 1.
const GUILD_B = '4194304';
// (8388608 >> 22) = 2: % 2 = 0, % 4 = 2.
const GUILD_C = '8388608';

interface SessionSpec {
  readonly id: string;
  readonly userId?: string;
  readonly intents?: number;
  readonly shard?: readonly [number, number];
  readonly guildIds?: readonly string[];
  readonly transport?: FakeTransport;
}

function makeSession(spec: SessionSpec): { session: GatewaySession; transport: FakeTransport } {
  const transport = spec.transport ?? new FakeTransport();
  const session = new GatewaySession({
    sessionId: spec.id,
    token: TOKEN,
    user: { ...USER, id: spec.userId ?? USER.id },
    intents: spec.intents ?? GUILDS | GUILD_MESSAGES,
    shard: spec.shard ?? [0, 1],
    guildIds: spec.guildIds ?? [],
  });
  session.attach(transport, 0);
  return { session, transport };
}

function dispatches(transport: FakeTransport): SentFrame[] {
  return transport.frames.filter((frame) => frame.op === 0);
}

function guildMessage(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '1000',
    channel_id: '2000',
    guild_id: GUILD_A,
    author: { id: '3000' },
    mentions: [],
    content: 'the secret plan',
    embeds: [{ title: 'embed' }],
    attachments: [{ id: '4000' }],
    components: [{ type: 1 }],
    ...extra,
  };
}

describe('GatewayFanOut: guild dispatch', () => {
  it('reaches only the sessions subscribed to the guild, each with its own seq', () => {
    const fanOut = new GatewayFanOut();
    const a = makeSession({ id: 'a', guildIds: [GUILD_A] });
    const b = makeSession({ id: 'b', guildIds: [GUILD_A, GUILD_C] });
    const c = makeSession({ id: 'c', guildIds: [GUILD_C] });
    for (const { session } of [a, b, c]) fanOut.add(session);
    b.session.dispatch(prepareDispatch('GUILD_UPDATE', { id: GUILD_C }));

    const result = fanOut.dispatchToGuild(GUILD_A, { t: 'GUILD_UPDATE', d: { id: GUILD_A } });

    expect(result).toEqual({ delivered: 2, filtered: 0, dropped: 0, queued: 0 });
    expect(dispatches(a.transport)).toEqual([
      { op: 0, t: 'GUILD_UPDATE', s: 1, d: { id: GUILD_A } },
    ]);
    expect(dispatches(b.transport).at(-1)).toEqual({
      op: 0,
      t: 'GUILD_UPDATE',
      s: 2,
      d: { id: GUILD_A },
    });
    expect(dispatches(c.transport)).toEqual([]);
  });

  it('returns zero counts for a guild nobody is subscribed to', () => {
    const fanOut = new GatewayFanOut();
    fanOut.add(makeSession({ id: 'a', guildIds: [GUILD_A] }).session);
    expect(fanOut.dispatchToGuild(GUILD_B, { t: 'GUILD_UPDATE', d: {} })).toEqual({
      delivered: 0,
      filtered: 0,
      dropped: 0,
      queued: 0,
    });
  });

  it('filters a guild MESSAGE_CREATE by GUILD_MESSAGES (1 << 9), not DIRECT_MESSAGES (1 << 12)', () => {
    const fanOut = new GatewayFanOut();
    const guildOnly = makeSession({ id: 'g', intents: GUILD_MESSAGES, guildIds: [GUILD_A] });
    const dmOnly = makeSession({ id: 'd', intents: DIRECT_MESSAGES, guildIds: [GUILD_A] });
    fanOut.add(guildOnly.session);
    fanOut.add(dmOnly.session);

    const result = fanOut.dispatchToGuild(GUILD_A, {
      t: 'MESSAGE_CREATE',
      d: guildMessage({ author: { id: USER.id } }),
    });

    expect(result).toEqual({ delivered: 1, filtered: 1, dropped: 0, queued: 0 });
    expect(dispatches(guildOnly.transport)).toHaveLength(1);
    expect(dispatches(dmOnly.transport)).toEqual([]);
  });

  it('filters a DM MESSAGE_CREATE by DIRECT_MESSAGES (1 << 12), not GUILD_MESSAGES (1 << 9)', () => {
    const fanOut = new GatewayFanOut();
    const guildOnly = makeSession({ id: 'g', intents: GUILD_MESSAGES });
    const dmOnly = makeSession({ id: 'd', intents: DIRECT_MESSAGES });
    fanOut.add(guildOnly.session);
    fanOut.add(dmOnly.session);
    const dm = { id: '1', channel_id: '2', author: { id: '3' }, content: 'hello' };

    const result = fanOut.dispatchToUser(USER.id, { t: 'MESSAGE_CREATE', d: dm });

    expect(result).toEqual({ delivered: 1, filtered: 1, dropped: 0, queued: 0 });
    expect(dispatches(dmOnly.transport)).toEqual([{ op: 0, t: 'MESSAGE_CREATE', s: 1, d: dm }]);
    expect(dispatches(guildOnly.transport)).toEqual([]);
  });
});

describe('GatewayFanOut: MESSAGE_CONTENT', () => {
  const STRIPPED_FIELDS = { content: '', embeds: [], attachments: [], components: [] };

  it('strips content, embeds, attachments and components for a session without MESSAGE_CONTENT', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({ id: 's', guildIds: [GUILD_A] });
    fanOut.add(session);
    const message = guildMessage({ poll: { question: { text: 'q' } } });

    fanOut.dispatchToGuild(GUILD_A, { t: 'MESSAGE_CREATE', d: message });

    expect(dispatches(transport)[0]?.d).toEqual({
      id: '1000',
      channel_id: '2000',
      guild_id: GUILD_A,
      author: { id: '3000' },
      mentions: [],
      ...STRIPPED_FIELDS,
    });
    expect(message['content']).toBe('the secret plan');
  });

  it('sends the full message to a session with MESSAGE_CONTENT (1 << 15)', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({
      id: 's',
      intents: GUILD_MESSAGES | MESSAGE_CONTENT,
      guildIds: [GUILD_A],
    });
    fanOut.add(session);
    const message = guildMessage();

    fanOut.dispatchToGuild(GUILD_A, { t: 'MESSAGE_CREATE', d: message });

    expect(dispatches(transport)[0]?.d).toEqual(message);
  });

  it('sends the full message to a session whose user is mentioned or is the author', () => {
    const fanOut = new GatewayFanOut();
    const mentioned = makeSession({ id: 'm', userId: '5000', guildIds: [GUILD_A] });
    const author = makeSession({ id: 'a', userId: '3000', guildIds: [GUILD_A] });
    const bystander = makeSession({ id: 'b', userId: '6000', guildIds: [GUILD_A] });
    for (const { session } of [mentioned, author, bystander]) fanOut.add(session);
    const message = guildMessage({ mentions: [{ id: '5000' }] });

    fanOut.dispatchToGuild(GUILD_A, { t: 'MESSAGE_CREATE', d: message });

    expect(dispatches(mentioned.transport)[0]?.d).toEqual(message);
    expect(dispatches(author.transport)[0]?.d).toEqual(message);
    expect(dispatches(bystander.transport)[0]?.d).toMatchObject(STRIPPED_FIELDS);
  });

  it('strips a partial MESSAGE_UPDATE without adding the fields it lacks', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({ id: 's', guildIds: [GUILD_A] });
    fanOut.add(session);
    const update = { id: '1000', channel_id: '2000', guild_id: GUILD_A, content: 'edited' };

    fanOut.dispatchToGuild(GUILD_A, { t: 'MESSAGE_UPDATE', d: update });

    expect(dispatches(transport)[0]?.d).toEqual({
      id: '1000',
      channel_id: '2000',
      guild_id: GUILD_A,
      content: '',
    });
  });

  it('serializes the payload once and the stripped variant once, however many sessions get them', () => {
    let serializations = 0;
    const author = {
      id: '3000',
      toJSON(): { id: string } {
        serializations += 1;
        return { id: '3000' };
      },
    };
    const fanOut = new GatewayFanOut();
    const sessions = [
      makeSession({ id: 'full-1', userId: '11', intents: GUILD_MESSAGES | MESSAGE_CONTENT }),
      makeSession({ id: 'full-2', userId: '12', intents: GUILD_MESSAGES | MESSAGE_CONTENT }),
      makeSession({ id: 'stripped-1', userId: '13' }),
      makeSession({ id: 'stripped-2', userId: '14' }),
      makeSession({ id: 'stripped-3', userId: '15' }),
    ];
    for (const { session } of sessions) {
      fanOut.add(session);
      fanOut.joinGuild(session, GUILD_A);
    }

    const result = fanOut.dispatchToGuild(GUILD_A, {
      t: 'MESSAGE_CREATE',
      d: guildMessage({ author }),
    });

    expect(result).toEqual({ delivered: 5, filtered: 0, dropped: 0, queued: 0 });
    // One JSON.stringify of the full payload, one of the stripped variant (both share `author`).
    expect(serializations).toBe(2);
    const payloads = sessions.map(({ transport }) => dispatches(transport)[0]?.d);
    expect(payloads[0]).toMatchObject({ content: 'the secret plan', author: { id: '3000' } });
    expect(payloads[1]).toEqual(payloads[0]);
    expect(payloads[2]).toMatchObject({ ...STRIPPED_FIELDS, author: { id: '3000' } });
    expect(payloads[3]).toEqual(payloads[2]);
    expect(payloads[4]).toEqual(payloads[2]);
  });

  it('does not strip a DM, whose content apps always receive', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({ id: 's', intents: DIRECT_MESSAGES });
    fanOut.add(session);
    const dm = { id: '1', channel_id: '2', author: { id: '3' }, content: 'hi', embeds: [{}] };

    fanOut.dispatchToUser(USER.id, { t: 'MESSAGE_CREATE', d: dm });

    expect(dispatches(transport)[0]?.d).toEqual(dm);
  });
});

describe('GatewayFanOut: channel dispatch', () => {
  it('asks the audience predicate with (session, channelId) and delivers to those it admits', () => {
    const fanOut = new GatewayFanOut();
    const allowed = makeSession({ id: 'allowed', userId: '1', guildIds: [GUILD_A] });
    const denied = makeSession({ id: 'denied', userId: '2', guildIds: [GUILD_A] });
    const elsewhere = makeSession({ id: 'elsewhere', userId: '3', guildIds: [GUILD_C] });
    for (const { session } of [allowed, denied, elsewhere]) fanOut.add(session);
    const asked: [GatewaySession, string][] = [];

    const result = fanOut.dispatchToChannel(
      GUILD_A,
      '777',
      { t: 'CHANNEL_UPDATE', d: { id: '777', guild_id: GUILD_A } },
      (session, channelId) => {
        asked.push([session, channelId]);
        return session.user.id === '1';
      },
    );

    expect(result).toEqual({ delivered: 1, filtered: 1, dropped: 0, queued: 0 });
    expect(asked).toHaveLength(2);
    expect(asked).toEqual(
      expect.arrayContaining([
        [allowed.session, '777'],
        [denied.session, '777'],
      ]),
    );
    expect(dispatches(allowed.transport)).toEqual([
      { op: 0, t: 'CHANNEL_UPDATE', s: 1, d: { id: '777', guild_id: GUILD_A } },
    ]);
    expect(dispatches(denied.transport)).toEqual([]);
    expect(dispatches(elsewhere.transport)).toEqual([]);
  });
});

describe('GatewayFanOut: user dispatch and shards', () => {
  it('sends an event without a guild only to the shard-0 sessions of the user', () => {
    const fanOut = new GatewayFanOut();
    const only = makeSession({ id: 'only', shard: [0, 1] });
    const first = makeSession({ id: 'first', shard: [0, 2] });
    const second = makeSession({ id: 'second', shard: [1, 2] });
    const otherUser = makeSession({ id: 'other', userId: '999', shard: [0, 1] });
    for (const { session } of [only, first, second, otherUser]) fanOut.add(session);

    const result = fanOut.dispatchToUser(USER.id, { t: 'USER_UPDATE', d: { id: USER.id } });

    expect(result).toEqual({ delivered: 2, filtered: 1, dropped: 0, queued: 0 });
    expect(dispatches(only.transport)).toHaveLength(1);
    expect(dispatches(first.transport)).toHaveLength(1);
    expect(dispatches(second.transport)).toEqual([]);
    expect(dispatches(otherUser.transport)).toEqual([]);
  });

  it('sends a guild event of the user only to the session whose shard holds the guild', () => {
    const fanOut = new GatewayFanOut();
    const shards = [0, 1, 2, 3].map((shardId) =>
      makeSession({ id: `shard-${shardId}`, shard: [shardId, 4] }),
    );
    for (const { session } of shards) fanOut.add(session);

    // GUILD_A: (81384788765712384 >> 22) = 19403645698, % 4 = 2.
    const result = fanOut.dispatchToUser(
      USER.id,
      { t: 'GUILD_UPDATE', d: { id: GUILD_A } },
      GUILD_A,
    );

    expect(result).toEqual({ delivered: 1, filtered: 3, dropped: 0, queued: 0 });
    expect(shards.map(({ transport }) => dispatches(transport).length)).toEqual([0, 0, 1, 0]);
  });

  it('joins a guild only when the session shard holds it', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({ id: 's', shard: [0, 2] });
    fanOut.add(session);

    // GUILD_B: (4194304 >> 22) = 1, % 2 = 1: another shard's guild.
    expect(fanOut.joinGuild(session, GUILD_B)).toBe(false);
    expect([...session.guildIds]).toEqual([]);
    expect(fanOut.dispatchToGuild(GUILD_B, { t: 'GUILD_UPDATE', d: {} }).delivered).toBe(0);

    // GUILD_C: (8388608 >> 22) = 2, % 2 = 0: this shard's guild.
    expect(fanOut.joinGuild(session, GUILD_C)).toBe(true);
    expect([...session.guildIds]).toEqual([GUILD_C]);
    expect(fanOut.dispatchToGuild(GUILD_C, { t: 'GUILD_UPDATE', d: {} }).delivered).toBe(1);

    fanOut.leaveGuild(session, GUILD_C);
    expect([...session.guildIds]).toEqual([]);
    expect(fanOut.dispatchToGuild(GUILD_C, { t: 'GUILD_UPDATE', d: {} }).delivered).toBe(0);
    expect(dispatches(transport)).toHaveLength(1);
  });

  it('lets an unsharded session join any guild', () => {
    const fanOut = new GatewayFanOut();
    const { session } = makeSession({ id: 's', shard: [0, 1] });
    fanOut.add(session);
    expect(fanOut.joinGuild(session, GUILD_A)).toBe(true);
    expect(fanOut.joinGuild(session, GUILD_B)).toBe(true);
  });
});

describe('GatewayFanOut: the session index', () => {
  it('prunes ended sessions on dispatch without counting them', () => {
    const fanOut = new GatewayFanOut();
    const live = makeSession({ id: 'live', guildIds: [GUILD_A] });
    const ended = makeSession({ id: 'ended', guildIds: [GUILD_A] });
    fanOut.add(live.session);
    fanOut.add(ended.session);
    ended.session.end();

    const result = fanOut.dispatchToGuild(GUILD_A, { t: 'GUILD_UPDATE', d: {} });

    expect(result).toEqual({ delivered: 1, filtered: 0, dropped: 0, queued: 0 });
    expect(fanOut.size).toBe(1);
    expect(fanOut.get('ended')).toBeUndefined();
    expect(dispatches(ended.transport)).toEqual([]);
  });

  it('prunes an ended session on lookup', () => {
    const fanOut = new GatewayFanOut();
    const { session } = makeSession({ id: 's' });
    fanOut.add(session);
    expect(fanOut.get('s')).toBe(session);
    session.end();
    expect(fanOut.get('s')).toBeUndefined();
    expect(fanOut.size).toBe(0);
  });

  it('adds idempotently, replaces a session with the same id and removes only the indexed one', () => {
    const fanOut = new GatewayFanOut();
    const old = makeSession({ id: 's', guildIds: [GUILD_A] });
    const replacement = makeSession({ id: 's', guildIds: [GUILD_C] });
    fanOut.add(old.session);
    fanOut.add(old.session);
    expect(fanOut.size).toBe(1);

    fanOut.add(replacement.session);

    expect(fanOut.size).toBe(1);
    expect(fanOut.get('s')).toBe(replacement.session);
    expect(fanOut.dispatchToGuild(GUILD_A, { t: 'GUILD_UPDATE', d: {} }).delivered).toBe(0);
    expect(fanOut.dispatchToGuild(GUILD_C, { t: 'GUILD_UPDATE', d: {} }).delivered).toBe(1);
    expect(fanOut.remove(old.session)).toBe(false);
    expect(fanOut.remove(replacement.session)).toBe(true);
    expect(fanOut.size).toBe(0);
  });

  it('numbers and buffers a dispatch for a detached session without sending it', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({ id: 's', guildIds: [GUILD_A] });
    fanOut.add(session);
    session.detach();

    const result = fanOut.dispatchToGuild(GUILD_A, { t: 'GUILD_UPDATE', d: { n: 1 } });

    expect(result).toEqual({ delivered: 1, filtered: 0, dropped: 0, queued: 0 });
    expect(dispatches(transport)).toEqual([]);
    const next = new FakeTransport();
    expect(session.attach(next, 0)).toBe(true);
    expect(next.frames).toEqual([{ op: 0, t: 'GUILD_UPDATE', s: 1, d: { n: 1 } }]);
  });
});

describe('GatewayFanOut: results and priorities', () => {
  it('counts delivered, filtered and dropped sessions of one dispatch', () => {
    const fanOut = new GatewayFanOut();
    const calm = makeSession({ id: 'calm', intents: TYPING, guildIds: [GUILD_A] });
    const alsoCalm = makeSession({ id: 'also-calm', intents: TYPING, guildIds: [GUILD_A] });
    const deaf = makeSession({ id: 'deaf', intents: GUILDS, guildIds: [GUILD_A] });
    const congestedTransport = new CongestedTransport();
    congestedTransport.queuedBytes = BETWEEN_THE_LIMITS;
    const congested = makeSession({
      id: 'congested',
      intents: TYPING,
      guildIds: [GUILD_A],
      transport: congestedTransport,
    });
    for (const { session } of [calm, alsoCalm, deaf, congested]) fanOut.add(session);

    const result = fanOut.dispatchToGuild(GUILD_A, {
      t: 'TYPING_START',
      d: { channel_id: '1', guild_id: GUILD_A, user_id: '2', timestamp: 0 },
    });

    expect(result).toEqual({ delivered: 2, filtered: 1, dropped: 1, queued: 0 });
    expect(congested.session.seq).toBe(0);
    expect(congested.session.droppedLowPriority).toBe(1);
  });

  it('honours an explicit priority over the event default', () => {
    const fanOut = new GatewayFanOut();
    const transport = new CongestedTransport();
    transport.queuedBytes = BETWEEN_THE_LIMITS;
    const { session } = makeSession({
      id: 's',
      intents: GUILD_MESSAGES | TYPING,
      guildIds: [GUILD_A],
      transport,
    });
    fanOut.add(session);
    const typing = { channel_id: '1', guild_id: GUILD_A, user_id: '2', timestamp: 0 };

    expect(
      fanOut.dispatchToGuild(GUILD_A, { t: 'MESSAGE_CREATE', d: guildMessage(), priority: 'low' }),
    ).toEqual({ delivered: 0, filtered: 0, dropped: 1, queued: 0 });
    expect(
      fanOut.dispatchToGuild(GUILD_A, { t: 'TYPING_START', d: typing, priority: 'normal' }),
    ).toEqual({ delivered: 1, filtered: 0, dropped: 0, queued: 0 });
    expect(transport.closed).toBeUndefined();
  });
});

describe('GatewayFanOut: one session', () => {
  it('returns the seq it gave, applying intents and MESSAGE_CONTENT', () => {
    const fanOut = new GatewayFanOut();
    const { session, transport } = makeSession({ id: 's', intents: GUILD_MESSAGES });
    fanOut.add(session);

    expect(fanOut.dispatchToSession('s', { t: 'MESSAGE_CREATE', d: guildMessage() })).toBe(1);
    expect(dispatches(transport)[0]?.d).toMatchObject({ content: '', embeds: [] });
    // A DM (no guild_id) needs DIRECT_MESSAGES, which this session lacks.
    expect(
      fanOut.dispatchToSession('s', { t: 'MESSAGE_CREATE', d: { id: '1', channel_id: '2' } }),
    ).toBeUndefined();
    expect(fanOut.dispatchToSession('unknown', { t: 'USER_UPDATE', d: {} })).toBeUndefined();
    expect(fanOut.dispatchToSession('s', { t: 'USER_UPDATE', d: {} })).toBe(2);
  });
});
