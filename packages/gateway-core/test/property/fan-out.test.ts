import { fc, test } from '@fast-check/vitest';
import { GatewayFanOut, GatewaySession } from '@guildkit/gateway-core';
import { expect } from 'vitest';
import { FakeTransport, type SentFrame, TOKEN, USER } from '../support/harness.js';

// Intent bits as Discord documents them, written out here rather than read from the library.
const GUILDS = 1 << 0;
const GUILD_MODERATION = 1 << 2;
const GUILD_MESSAGES = 1 << 9;
const GUILD_MESSAGE_TYPING = 1 << 11;
const DIRECT_MESSAGES = 1 << 12;
const MESSAGE_CONTENT = 1 << 15;
const INTENT_BITS = [
  GUILDS,
  GUILD_MODERATION,
  GUILD_MESSAGES,
  GUILD_MESSAGE_TYPING,
  DIRECT_MESSAGES,
  MESSAGE_CONTENT,
];

/** The intent a guild event needs, per Discord's list of intents. */
const GUILD_EVENT_INTENT: Record<string, number> = {
  GUILD_UPDATE: GUILDS,
  CHANNEL_CREATE: GUILDS,
  GUILD_BAN_ADD: GUILD_MODERATION,
  MESSAGE_CREATE: GUILD_MESSAGES,
  TYPING_START: GUILD_MESSAGE_TYPING,
};

const USER_IDS = ['100', '200', '300', '400'];

interface SessionModel {
  readonly userId: string;
  readonly intents: number;
  readonly shard: readonly [number, number];
  /** Indexes into the guild list that the session tries to join. */
  readonly joins: readonly number[];
}

const sessionArbitrary: fc.Arbitrary<SessionModel> = fc
  .record({
    userId: fc.constantFrom(...USER_IDS),
    intentBits: fc.subarray(INTENT_BITS),
    shardCount: fc.integer({ min: 1, max: 8 }),
    shardSeed: fc.nat(),
    joins: fc.uniqueArray(fc.nat({ max: 7 }), { maxLength: 8 }),
  })
  .map(({ userId, intentBits, shardCount, shardSeed, joins }) => ({
    userId,
    intents: intentBits.reduce((mask, bit) => mask | bit, 0),
    shard: [shardSeed % shardCount, shardCount] as const,
    joins,
  }));

/** Snowflake-shaped guild ids: any 63-bit value, as a decimal string. */
const guildIdArbitrary = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map((id) => id.toString());

/** Discord's rule, computed independently: shard_id = (guild_id >> 22) % num_shards. */
function modelShardHolds(shard: readonly [number, number], guildId: string): boolean {
  return (BigInt(guildId) >> 22n) % BigInt(shard[1]) === BigInt(shard[0]);
}

function dispatches(transport: FakeTransport): SentFrame[] {
  return transport.frames.filter((frame) => frame.op === 0);
}

test.prop([
  fc.array(sessionArbitrary, { minLength: 1, maxLength: 12 }),
  fc.uniqueArray(guildIdArbitrary, { minLength: 1, maxLength: 8 }),
  fc.array(fc.constantFrom(...Object.keys(GUILD_EVENT_INTENT)), { minLength: 1, maxLength: 8 }),
  fc.constantFrom(...USER_IDS),
])(
  'dispatchToGuild reaches exactly the sessions whose shard holds the guild and whose intents allow the event',
  (models, guildIds, events, authorId) => {
    const fanOut = new GatewayFanOut();
    const sessions = models.map((model, index) => {
      const transport = new FakeTransport();
      const session = new GatewaySession({
        sessionId: `session-${index}`,
        token: TOKEN,
        user: { ...USER, id: model.userId },
        intents: model.intents,
        shard: model.shard,
      });
      session.attach(transport, 0);
      fanOut.add(session);
      const joined = new Set<string>();
      for (const join of model.joins) {
        const guildId = guildIds[join % guildIds.length] ?? '';
        const onShard = modelShardHolds(model.shard, guildId);
        expect(fanOut.joinGuild(session, guildId)).toBe(onShard);
        if (onShard) joined.add(guildId);
      }
      return { model, transport, joined, received: 0 };
    });

    events.forEach((t, round) => {
      const guildId = guildIds[round % guildIds.length] ?? '';
      const message = { id: String(round), guild_id: guildId, author: { id: authorId } };
      const d = t === 'MESSAGE_CREATE' ? { ...message, content: 'words' } : { guild_id: guildId };
      const needed = GUILD_EVENT_INTENT[t] ?? 0;

      const result = fanOut.dispatchToGuild(guildId, { t, d, priority: 'normal' });

      let expectedDelivered = 0;
      let expectedFiltered = 0;
      for (const entry of sessions) {
        const subscribed = entry.joined.has(guildId);
        const allowed = (entry.model.intents & needed) !== 0;
        if (subscribed && allowed) {
          expectedDelivered += 1;
          entry.received += 1;
        } else if (subscribed) {
          expectedFiltered += 1;
        }
        const received = dispatches(entry.transport);
        expect(received).toHaveLength(entry.received);
        if (!(subscribed && allowed)) continue;
        const frame = received.at(-1);
        expect(frame).toMatchObject({ t, s: entry.received });
        if (t === 'MESSAGE_CREATE') {
          const seesContent =
            (entry.model.intents & MESSAGE_CONTENT) !== 0 || entry.model.userId === authorId;
          expect(frame?.d).toMatchObject({ content: seesContent ? 'words' : '' });
        }
      }
      expect(result).toEqual({
        delivered: expectedDelivered,
        filtered: expectedFiltered,
        dropped: 0,
        queued: 0,
      });
    });
  },
);
