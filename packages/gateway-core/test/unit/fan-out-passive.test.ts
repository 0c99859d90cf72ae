import {
  GatewayError,
  GatewayFanOut,
  type GatewayFanOutOptions,
  GatewaySession,
  PASSIVE_UPDATE_EVENT,
} from '@guildkit/gateway-core';
import { ManualScheduler } from '@guildkit/testkit';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FakeTransport, TOKEN, USER } from '../support/harness.js';

const GUILD = '81384788765712384';
const OTHER_GUILD = '4194304';
const INTENTS =
  GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.GuildMembers;

interface Member {
  readonly session: GatewaySession;
  readonly transport: FakeTransport;
  readonly userId: string;
}

function member(n: number, guildIds: readonly string[] = [GUILD]): Member {
  const transport = new FakeTransport();
  const userId = String(1_000_000 + n);
  const session = new GatewaySession({
    sessionId: `s${n}`,
    token: TOKEN,
    user: { ...USER, id: userId },
    intents: INTENTS,
    shard: [0, 1],
    guildIds,
  });
  session.attach(transport, 0);
  return { session, transport, userId };
}

function events(transport: FakeTransport): string[] {
  return transport.frames.filter((frame) => frame.op === 0).map((frame) => String(frame.t));
}

function guildOf(count: number, options: GatewayFanOutOptions) {
  const fanOut = new GatewayFanOut(options);
  const members = Array.from({ length: count }, (_, n) => member(n));
  for (const { session } of members) fanOut.add(session);
  return { fanOut, members };
}

const message = (id: string, channelId: string, extra: Record<string, unknown> = {}) => ({
  t: 'MESSAGE_CREATE',
  d: { id, channel_id: channelId, guild_id: GUILD, author: { id: '1' }, mentions: [], ...extra },
});

describe('GatewayFanOut: sliced delivery', () => {
  it('serves a delivery larger than a slice on later macrotasks, a burst in one pass, in order', async () => {
    const slices: (() => void)[] = [];
    const { fanOut, members } = guildOf(10, {
      sliceSize: 4,
      scheduleSlice: (run) => slices.push(run),
    });

    expect(fanOut.deliverToGuild(GUILD, message('1', '9'))).toEqual({
      delivered: 0,
      filtered: 0,
      dropped: 0,
      queued: 10,
    });
    expect(fanOut.deliverToGuild(GUILD, message('2', '9'))).toMatchObject({ queued: 10 });
    // A DM does not wait.
    expect(fanOut.dispatchToUser(members[9]?.userId ?? '', { t: 'USER_UPDATE', d: {} })).toEqual({
      delivered: 1,
      filtered: 0,
      dropped: 0,
      queued: 0,
    });
    expect(members.map(({ transport }) => events(transport).length)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);

    slices.shift()?.();
    // The first 4 sessions got both messages in the same slice.
    expect(members.map(({ transport }) => events(transport).length)).toEqual([
      2, 2, 2, 2, 0, 0, 0, 0, 0, 1,
    ]);
    const idle = fanOut.whenIdle();
    let slicesRun = 1;
    while (slices.length > 0) {
      slices.shift()?.();
      slicesRun += 1;
    }
    await idle;
    expect(slicesRun).toBe(3);
    for (const { transport } of members.slice(0, 9)) {
      const ids = transport.frames.map((frame) => (frame.d as { id: string }).id);
      expect(ids).toEqual(['1', '2']);
      expect(transport.dispatchSeqs()).toEqual([1, 2]);
    }
  });

  it('a guild’s small delivery waits behind its unfinished large one', () => {
    const slices: (() => void)[] = [];
    const fanOut = new GatewayFanOut({ sliceSize: 2, scheduleSlice: (run) => slices.push(run) });
    const members = [0, 1, 2].map((n) => member(n));
    for (const { session } of members) fanOut.add(session);
    fanOut.deliverToGuild(GUILD, message('1', '9'));
    const late = member(3);
    fanOut.add(late.session);
    // Another audience (the user's own sessions), same guild: it must not overtake.
    expect(fanOut.dispatchToUser(members[0]?.userId ?? '', message('2', '9'), GUILD)).toMatchObject(
      { delivered: 0, queued: 1 },
    );
    while (slices.length > 0) slices.shift()?.();
    const ids = members[0]?.transport.frames.map((frame) => (frame.d as { id: string }).id);
    expect(ids).toEqual(['1', '2']);
  });

  it('ends a slice once sliceMs has passed, reading the clock every 64 sessions', () => {
    const slices: (() => void)[] = [];
    let reads = 0;
    const { fanOut, members } = guildOf(300, {
      sliceSize: 250,
      sliceMs: 3,
      // Each read is 1 ms later: a slice starts at read 1 and ends at the read that reaches +3.
      sliceClock: { now: () => reads++ },
      scheduleSlice: (run) => slices.push(run),
    });
    fanOut.deliverToGuild(GUILD, message('1', '9'));
    slices.shift()?.();
    const served = members.filter(({ transport }) => events(transport).length === 1).length;
    expect(served).toBe(3 * 64 - 1);
    while (slices.length > 0) slices.shift()?.();
    expect(members.every(({ transport }) => events(transport).length === 1)).toBe(true);
  });

  it('rejects a slice size that is not a positive integer', () => {
    expect(() => new GatewayFanOut({ sliceSize: 0 })).toThrow(GatewayError);
    expect(() => new GatewayFanOut({ passive: { largeGuildThreshold: 1.5 } })).toThrow(
      /largeGuildThreshold must be a positive integer/,
    );
  });
});

describe('GatewayFanOut: passive sessions in large guilds', () => {
  function largeGuild(count = 10) {
    const scheduler = new ManualScheduler();
    const setup = guildOf(count, {
      passive: { largeGuildThreshold: 5, passiveUpdateMs: 1000, scheduler },
    });
    return { ...setup, scheduler };
  }

  it('sends a plain message to the active sessions only', () => {
    const { fanOut, members } = largeGuild();
    const [first, second] = members as [Member, Member];
    fanOut.activate(first.session, GUILD);
    fanOut.activate(second.session, GUILD);

    expect(fanOut.isLargeGuild(GUILD)).toBe(true);
    expect(fanOut.deliverToGuild(GUILD, message('1', '9'))).toEqual({
      delivered: 2,
      filtered: 8,
      dropped: 0,
      queued: 0,
    });
    expect(members.map(({ transport }) => events(transport).length)).toEqual([
      1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('treats every session as active below the threshold', () => {
    const { fanOut, members } = largeGuild(4);
    expect(fanOut.isLargeGuild(GUILD)).toBe(false);
    expect(fanOut.isActive(members[0]?.session as GatewaySession, GUILD)).toBe(true);
    expect(fanOut.deliverToGuild(GUILD, message('1', '9')).delivered).toBe(4);
  });

  it('reaches passive sessions with structure events, their own member events and their mentions', () => {
    const { fanOut, members } = largeGuild();
    const [active, mentioned, updated] = members as [Member, Member, Member];
    fanOut.activate(active.session, GUILD);

    fanOut.deliverToGuild(GUILD, { t: 'CHANNEL_UPDATE', d: { id: '9', guild_id: GUILD } });
    expect(members.every(({ transport }) => events(transport).includes('CHANNEL_UPDATE'))).toBe(
      true,
    );

    const mention = message('2', '9', {
      mentions: [{ id: mentioned.userId }, { id: active.userId }],
    });
    expect(fanOut.deliverToGuild(GUILD, mention)).toMatchObject({ delivered: 2, filtered: 8 });
    expect(events(mentioned.transport)).toEqual(['CHANNEL_UPDATE', 'MESSAGE_CREATE']);
    expect(events(active.transport)).toEqual(['CHANNEL_UPDATE', 'MESSAGE_CREATE']);

    fanOut.deliverToGuild(GUILD, {
      t: 'GUILD_MEMBER_UPDATE',
      d: { guild_id: GUILD, user: { id: updated.userId }, roles: [] },
    });
    expect(events(updated.transport)).toEqual(['CHANNEL_UPDATE', 'GUILD_MEMBER_UPDATE']);
    expect(events(members[3]?.transport as FakeTransport)).toEqual(['CHANNEL_UPDATE']);

    fanOut.deliverToGuild(GUILD, message('3', '9', { mention_everyone: true }));
    expect(members.every(({ transport }) => events(transport).at(-1) === 'MESSAGE_CREATE')).toBe(
      true,
    );
  });

  it('sends passive sessions one PASSIVE_UPDATE_V1 per interval with the channels they may see', () => {
    const { fanOut, members, scheduler } = largeGuild();
    const [active, secretKeeper] = members as [Member, Member];
    fanOut.activate(active.session, GUILD);
    fanOut.deliverToGuild(GUILD, message('100', '9'));
    fanOut.deliverToGuild(GUILD, message('105', '9'));
    fanOut.dispatchToChannel(
      GUILD,
      '7',
      message('103', '7'),
      (session) => session === secretKeeper.session || session === active.session,
    );
    scheduler.advance(999);
    expect(events(members[5]?.transport as FakeTransport)).toEqual([]);
    scheduler.advance(1);

    expect(events(active.transport)).toEqual([
      'MESSAGE_CREATE',
      'MESSAGE_CREATE',
      'MESSAGE_CREATE',
    ]);
    const update = (member: Member | undefined) =>
      member?.transport.frames.find((frame) => frame.t === PASSIVE_UPDATE_EVENT)?.d;
    expect(update(secretKeeper)).toEqual({
      guild_id: GUILD,
      channels: [
        { id: '9', last_message_id: '105' },
        { id: '7', last_message_id: '103' },
      ],
    });
    expect(update(members[5])).toEqual({
      guild_id: GUILD,
      channels: [{ id: '9', last_message_id: '105' }],
    });
    // Nothing new, nothing sent.
    scheduler.advance(5000);
    expect(events(members[5]?.transport as FakeTransport)).toEqual([PASSIVE_UPDATE_EVENT]);
  });

  it('demotes the guild activated longest ago beyond maxActiveGuildsPerSession, and on leave', () => {
    const fanOut = new GatewayFanOut({ passive: { largeGuildThreshold: 1 } });
    const { session } = member(0, [GUILD, OTHER_GUILD]);
    fanOut.add(session);
    expect(fanOut.isActive(session, GUILD)).toBe(false);
    expect(fanOut.activate(session, GUILD)).toBeUndefined();
    expect(fanOut.activate(session, OTHER_GUILD)).toBe(GUILD);
    expect(fanOut.isActive(session, GUILD)).toBe(false);
    expect(fanOut.isActive(session, OTHER_GUILD)).toBe(true);
    fanOut.leaveGuild(session, OTHER_GUILD);
    expect(fanOut.deactivate(session, OTHER_GUILD)).toBe(false);
    expect(fanOut.activate(session, OTHER_GUILD)).toBeUndefined();
    expect(fanOut.isActive(session, GUILD)).toBe(false);
  });
});
