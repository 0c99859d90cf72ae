/** Conformance tests: channels, their display order, reorders and overwrites. */
import { expect, it } from 'vitest';
import { StorageErrorCode } from '../errors.js';
import type { ChannelRecord, GuildStore } from '../guild-types.js';
import {
  type ConformanceContext,
  createGuild,
  expectCode,
  GUILD,
  sid,
} from './guild-conformance-context.js';

const ids = (channels: readonly ChannelRecord[]): string[] => channels.map((channel) => channel.id);

/**
 * A guild with a category `sid(10)` holding `sid(11)` (text) and `sid(12)` (voice), a second
 * category `sid(20)` holding `sid(21)`, and `sid(1)` outside any category.
 */
async function seedChannels(store: GuildStore): Promise<void> {
  await createGuild(store);
  await store.createChannel(GUILD, { id: sid(10), type: 4, name: 'text', position: 0 });
  await store.createChannel(GUILD, { id: sid(20), type: 4, name: 'more', position: 1 });
  await store.createChannel(GUILD, { id: sid(1), type: 0, name: 'rules' });
  await store.createChannel(GUILD, { id: sid(11), type: 0, name: 'general', parentId: sid(10) });
  await store.createChannel(GUILD, { id: sid(12), type: 2, name: 'voice', parentId: sid(10) });
  await store.createChannel(GUILD, { id: sid(21), type: 0, name: 'off-topic', parentId: sid(20) });
}

/**
 * Registers the channel tests.
 *
 * @param ctx - the running test's store and clock.
 */
export function channelTests(ctx: ConformanceContext): void {
  it('creates a channel with Discord defaults and reads it back', async () => {
    const store = ctx.store();
    await createGuild(store);
    const channel = await store.createChannel(GUILD, { id: sid(1), type: 0, name: 'general' });
    expect(channel).toEqual({
      id: sid(1),
      guildId: GUILD,
      type: 0,
      name: 'general',
      position: 0,
      parentId: null,
      topic: null,
      nsfw: false,
      rateLimitPerUser: 0,
      permissionOverwrites: [],
    });
    expect(await store.getChannel(GUILD, sid(1))).toEqual(channel);
    await expectCode(
      store.createChannel(GUILD, { id: sid(1), type: 2, name: 'again' }),
      StorageErrorCode.AlreadyExists,
    );
  });

  it('places a channel only under a category of the guild', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createChannel(GUILD, { id: sid(1), type: 0, name: 'general' });
    await store.createChannel(GUILD, { id: sid(2), type: 4, name: 'cat' });
    await expectCode(
      store.createChannel(GUILD, { id: sid(3), type: 0, name: 'x', parentId: sid(9) }),
      StorageErrorCode.UnknownChannel,
    );
    await expectCode(
      store.createChannel(GUILD, { id: sid(3), type: 0, name: 'x', parentId: sid(1) }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.createChannel(GUILD, { id: sid(3), type: 4, name: 'x', parentId: sid(2) }),
      StorageErrorCode.InvalidArgument,
    );
    expect(await store.getChannel(GUILD, sid(3))).toBeNull();
    await expectCode(
      store.updateChannel(GUILD, sid(2), { parentId: sid(2) }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.updateChannel(GUILD, sid(1), { parentId: sid(1) }),
      StorageErrorCode.InvalidArgument,
    );
    const moved = await store.updateChannel(GUILD, sid(1), { parentId: sid(2) });
    expect(moved.parentId).toBe(sid(2));
  });

  it('validates channel fields, with the longer topic of forum channels', async () => {
    const store = ctx.store();
    await createGuild(store);
    const invalid = StorageErrorCode.InvalidArgument;
    const base = { id: sid(1), name: 'general' } as const;
    await expectCode(store.createChannel(GUILD, { ...base, type: 11 as never }), invalid);
    await expectCode(store.createChannel(GUILD, { ...base, type: 0, name: '' }), invalid);
    await expectCode(
      store.createChannel(GUILD, { ...base, type: 0, name: 'x'.repeat(101) }),
      invalid,
    );
    await expectCode(store.createChannel(GUILD, { ...base, type: 0, position: -1 }), invalid);
    await expectCode(store.createChannel(GUILD, { ...base, type: 0, position: 1.5 }), invalid);
    await expectCode(
      store.createChannel(GUILD, { ...base, type: 0, rateLimitPerUser: 21601 }),
      invalid,
    );
    await expectCode(
      store.createChannel(GUILD, { ...base, type: 0, topic: 'x'.repeat(1025) }),
      invalid,
    );
    const forum = await store.createChannel(GUILD, { ...base, type: 15, topic: 'x'.repeat(4096) });
    expect(forum.topic).toHaveLength(4096);
    await expectCode(store.updateChannel(GUILD, sid(1), { topic: 'x'.repeat(4097) }), invalid);
    await expectCode(store.updateChannel(GUILD, sid(1), { nsfw: 'yes' as never }), invalid);
  });

  it('updates only the given fields', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createChannel(GUILD, { id: sid(1), type: 0, name: 'general', topic: 'hi' });
    const updated = await store.updateChannel(GUILD, sid(1), {
      name: 'lobby',
      nsfw: true,
      rateLimitPerUser: 30,
      position: 4,
    });
    expect(updated).toMatchObject({
      name: 'lobby',
      topic: 'hi',
      nsfw: true,
      rateLimitPerUser: 30,
      position: 4,
    });
    expect(await store.getChannel(GUILD, sid(1))).toEqual(updated);
    expect((await store.updateChannel(GUILD, sid(1), { topic: null })).topic).toBeNull();
    await expectCode(
      store.updateChannel(GUILD, sid(2), { name: 'x' }),
      StorageErrorCode.UnknownChannel,
    );
  });

  it('lists channels in display order: uncategorized, then each category with its children', async () => {
    const store = ctx.store();
    await seedChannels(store);
    await store.createChannel(GUILD, {
      id: sid(13),
      type: 0,
      name: 'second',
      parentId: sid(10),
      position: 5,
    });
    await store.createChannel(GUILD, {
      id: sid(14),
      type: 0,
      name: 'tie',
      parentId: sid(10),
      position: 5,
    });
    await store.createChannel(GUILD, { id: sid(2), type: 2, name: 'lounge' });
    expect(ids(await store.listChannels(GUILD))).toEqual([
      sid(1),
      sid(2),
      sid(10),
      sid(11),
      sid(13),
      sid(14),
      sid(12),
      sid(20),
      sid(21),
    ]);
  });

  it('moves the children of a deleted category out of it', async () => {
    const store = ctx.store();
    await seedChannels(store);
    await store.deleteChannel(GUILD, sid(10));
    expect(await store.getChannel(GUILD, sid(10))).toBeNull();
    expect((await store.getChannel(GUILD, sid(11)))?.parentId).toBeNull();
    expect((await store.getChannel(GUILD, sid(12)))?.parentId).toBeNull();
    expect((await store.getChannel(GUILD, sid(21)))?.parentId).toBe(sid(20));
    await expectCode(store.deleteChannel(GUILD, sid(10)), StorageErrorCode.UnknownChannel);
  });

  it('reorders channels and their categories in one change', async () => {
    const store = ctx.store();
    await seedChannels(store);
    const listed = await store.reorderChannels(GUILD, [
      { id: sid(20), position: 0 },
      { id: sid(10), position: 1 },
      { id: sid(11), position: 3, parentId: sid(20) },
      { id: sid(1), position: 0, parentId: sid(10) },
    ]);
    expect(ids(listed)).toEqual([sid(20), sid(21), sid(11), sid(10), sid(1), sid(12)]);
    expect(await store.listChannels(GUILD)).toEqual(listed);
    expect((await store.getChannel(GUILD, sid(11)))?.parentId).toBe(sid(20));
  });

  it('keeps the parent of entries without parentId and clears it with null', async () => {
    const store = ctx.store();
    await seedChannels(store);
    await store.reorderChannels(GUILD, [
      { id: sid(11), position: 7 },
      { id: sid(21), position: 2, parentId: null },
    ]);
    expect(await store.getChannel(GUILD, sid(11))).toMatchObject({
      position: 7,
      parentId: sid(10),
    });
    expect(await store.getChannel(GUILD, sid(21))).toMatchObject({ position: 2, parentId: null });
  });

  it('rejects a whole reorder when one entry is wrong, changing nothing', async () => {
    const store = ctx.store();
    await seedChannels(store);
    const before = await store.listChannels(GUILD);
    await expectCode(
      store.reorderChannels(GUILD, [
        { id: sid(11), position: 9 },
        { id: sid(99), position: 1 },
      ]),
      StorageErrorCode.UnknownChannel,
    );
    await expectCode(
      store.reorderChannels(GUILD, [
        { id: sid(11), position: 9 },
        { id: sid(12), position: 2, parentId: sid(1) },
      ]),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.reorderChannels(GUILD, [
        { id: sid(11), position: 9 },
        { id: sid(10), position: 2, parentId: sid(20) },
      ]),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.reorderChannels(GUILD, [
        { id: sid(11), position: 9 },
        { id: sid(11), position: 2 },
      ]),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(store.reorderChannels(GUILD, []), StorageErrorCode.InvalidArgument);
    expect(await store.listChannels(GUILD)).toEqual(before);
  });

  it('sets, replaces and deletes overwrites, keeping all 64 bits', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createChannel(GUILD, { id: sid(1), type: 0, name: 'general' });
    await store.createRole(GUILD, { id: sid(2), name: 'mods' });
    const high = (1n << 63n) | (1n << 53n) | 1n;
    await store.setOverwrite(GUILD, sid(1), { id: sid(2), type: 0, allow: high, deny: 0n });
    await store.setOverwrite(GUILD, sid(1), {
      id: sid(900),
      type: 1,
      allow: 0n,
      deny: 2n ** 64n - 1n,
    });
    const channel = await store.setOverwrite(GUILD, sid(1), {
      id: GUILD,
      type: 0,
      allow: 0n,
      deny: 1024n,
    });
    const expected = [
      { id: GUILD, type: 0, allow: 0n, deny: 1024n },
      { id: sid(2), type: 0, allow: high, deny: 0n },
      { id: sid(900), type: 1, allow: 0n, deny: 2n ** 64n - 1n },
    ];
    expect(channel.permissionOverwrites).toEqual(expected);
    expect((await store.getChannel(GUILD, sid(1)))?.permissionOverwrites).toEqual(expected);
    const replaced = await store.setOverwrite(GUILD, sid(1), {
      id: sid(2),
      type: 0,
      allow: 8n,
      deny: 16n,
    });
    expect(replaced.permissionOverwrites[1]).toEqual({ id: sid(2), type: 0, allow: 8n, deny: 16n });
    expect(await store.deleteOverwrite(GUILD, sid(1), sid(900))).toBe(true);
    expect(await store.deleteOverwrite(GUILD, sid(1), sid(900))).toBe(false);
    expect((await store.getChannel(GUILD, sid(1)))?.permissionOverwrites.map((o) => o.id)).toEqual([
      GUILD,
      sid(2),
    ]);
  });

  it('refuses a role overwrite for a missing role and overwrites on a missing channel', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createChannel(GUILD, { id: sid(1), type: 0, name: 'general' });
    await expectCode(
      store.setOverwrite(GUILD, sid(1), { id: sid(2), type: 0, allow: 1n, deny: 0n }),
      StorageErrorCode.UnknownRole,
    );
    await expectCode(
      store.setOverwrite(GUILD, sid(3), { id: GUILD, type: 0, allow: 1n, deny: 0n }),
      StorageErrorCode.UnknownChannel,
    );
    await expectCode(
      store.setOverwrite(GUILD, sid(1), { id: GUILD, type: 2 as never, allow: 1n, deny: 0n }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.setOverwrite(GUILD, sid(1), { id: GUILD, type: 0, allow: 1 as never, deny: 0n }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(store.deleteOverwrite(GUILD, sid(3), GUILD), StorageErrorCode.UnknownChannel);
    expect((await store.getChannel(GUILD, sid(1)))?.permissionOverwrites).toEqual([]);
  });
}
