import { fc, test } from '@fast-check/vitest';
import { GatewayFanOut, GatewaySession } from '@guildkit/gateway-core';
import { expect } from 'vitest';
import { FakeTransport, TOKEN, USER } from '../support/harness.js';

const GUILDS = ['1', '2', '3'] as const;
const INTENTS = (1 << 0) | (1 << 9); // GUILDS | GUILD_MESSAGES

type Step =
  | { readonly kind: 'dispatch'; readonly guild: number }
  | { readonly kind: 'slices'; readonly count: number }
  | { readonly kind: 'leave'; readonly session: number; readonly guild: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('dispatch' as const), guild: fc.nat(GUILDS.length - 1) }),
  fc.record({ kind: fc.constant('slices' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    kind: fc.constant('leave' as const),
    session: fc.nat(19),
    guild: fc.nat(GUILDS.length - 1),
  }),
);

test.prop(
  [
    fc.array(fc.subarray([0, 1, 2], { minLength: 1 }), { minLength: 1, maxLength: 20 }),
    fc.integer({ min: 1, max: 7 }),
    fc.array(step, { maxLength: 40 }),
  ],
  { numRuns: 200 },
)(
  'sliced delivery gives every session its guilds’ messages in dispatch order, seqs contiguous',
  async (memberships, sliceSize, steps) => {
    const slices: (() => void)[] = [];
    const fanOut = new GatewayFanOut({ sliceSize, scheduleSlice: (run) => slices.push(run) });
    const sessions = memberships.map((guilds, n) => {
      const transport = new FakeTransport();
      const session = new GatewaySession({
        sessionId: `s${n}`,
        token: TOKEN,
        user: { ...USER, id: String(100 + n) },
        intents: INTENTS,
        shard: [0, 1],
        guildIds: guilds.map((g) => GUILDS[g] as string),
      });
      session.attach(transport, 0);
      fanOut.add(session);
      return { session, transport };
    });
    // What each session must receive: per guild, the messages dispatched while it was subscribed.
    const expected = sessions.map(() => new Map<string, number[]>());
    let nextId = 0;
    for (const current of steps) {
      if (current.kind === 'slices') {
        for (let i = 0; i < current.count && slices.length > 0; i++) slices.shift()?.();
        continue;
      }
      const guildId = GUILDS[current.guild] as string;
      if (current.kind === 'leave') {
        const target = sessions[current.session % sessions.length];
        if (target !== undefined) fanOut.leaveGuild(target.session, guildId);
        continue;
      }
      // A dispatch reaches the sessions subscribed when it is *served*; the model keeps it simple
      // by only counting sessions that never leave that guild during the run.
      const id = nextId++;
      fanOut.deliverToGuild(guildId, {
        t: 'MESSAGE_CREATE',
        d: {
          id: String(id),
          channel_id: '9',
          guild_id: guildId,
          author: { id: '1' },
          mentions: [],
        },
      });
      sessions.forEach(({ session }, n) => {
        if (!session.guildIds.has(guildId)) return;
        const list = expected[n]?.get(guildId) ?? [];
        list.push(id);
        expected[n]?.set(guildId, list);
      });
    }
    const idle = fanOut.whenIdle();
    while (slices.length > 0) slices.shift()?.();
    await idle;

    const left = new Set(
      steps.flatMap((current) =>
        current.kind === 'leave'
          ? [`${current.session % sessions.length}:${GUILDS[current.guild]}`]
          : [],
      ),
    );
    sessions.forEach(({ transport }, n) => {
      const frames = transport.frames.filter((frame) => frame.op === 0);
      expect(frames.map((frame) => frame.s)).toEqual(frames.map((_, i) => i + 1));
      for (const guildId of GUILDS) {
        const received = frames
          .filter((frame) => (frame.d as { guild_id: string }).guild_id === guildId)
          .map((frame) => Number((frame.d as { id: string }).id));
        // Order always holds; completeness only for a guild the session never left.
        expect(received).toEqual([...received].sort((a, b) => a - b));
        if (!left.has(`${n}:${guildId}`)) expect(received).toEqual(expected[n]?.get(guildId) ?? []);
      }
    });
  },
);
