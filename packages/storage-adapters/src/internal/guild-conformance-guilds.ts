/** Conformance tests: guilds, closing, and input validation shared by every method. */
import { expect, it } from 'vitest';
import { StorageErrorCode } from '../errors.js';
import {
  type ConformanceContext,
  createGuild,
  expectCode,
  GUILD,
  OWNER,
  START_MS,
  sid,
} from './guild-conformance-context.js';

/**
 * Registers the guild tests.
 *
 * @param ctx - the running test's store and clock.
 */
export function guildTests(ctx: ConformanceContext): void {
  it('creates a guild with its @everyone role and its owner as a member joined now', async () => {
    const store = ctx.store();
    const guild = await store.createGuild({
      id: GUILD,
      name: 'Guildkit',
      ownerId: OWNER,
      everyonePermissions: 1024n,
    });
    expect(guild).toEqual({ id: GUILD, name: 'Guildkit', ownerId: OWNER });
    expect(await store.getGuild(GUILD)).toEqual(guild);
    expect(await store.listRoles(GUILD)).toEqual([
      {
        id: GUILD,
        guildId: GUILD,
        name: '@everyone',
        permissions: 1024n,
        position: 0,
        hoist: false,
        color: 0,
        mentionable: false,
        managed: false,
      },
    ]);
    expect(await store.listMembers(GUILD, { limit: 1000 })).toEqual([
      {
        guildId: GUILD,
        userId: OWNER,
        nick: null,
        roleIds: [],
        joinedAt: START_MS,
        communicationDisabledUntil: null,
      },
    ]);
  });

  it('refuses a second guild with the same id and keeps the first', async () => {
    const store = ctx.store();
    await createGuild(store);
    await expectCode(
      store.createGuild({ id: GUILD, name: 'Other', ownerId: sid(1) }),
      StorageErrorCode.AlreadyExists,
    );
    expect(await store.getGuild(GUILD)).toEqual({ id: GUILD, name: 'Guildkit', ownerId: OWNER });
  });

  it('answers null for a missing guild and UNKNOWN_GUILD where one is needed', async () => {
    const store = ctx.store();
    expect(await store.getGuild(GUILD)).toBeNull();
    expect(await store.getChannel(GUILD, sid(1))).toBeNull();
    expect(await store.getRole(GUILD, GUILD)).toBeNull();
    expect(await store.getMember(GUILD, OWNER)).toBeNull();
    const unknown = StorageErrorCode.UnknownGuild;
    await expectCode(store.updateGuild(GUILD, { name: 'x2' }), unknown);
    await expectCode(store.deleteGuild(GUILD), unknown);
    await expectCode(store.listChannels(GUILD), unknown);
    await expectCode(store.listRoles(GUILD), unknown);
    await expectCode(store.listMembers(GUILD), unknown);
    await expectCode(store.createChannel(GUILD, { id: sid(1), type: 0, name: 'a' }), unknown);
    await expectCode(store.createRole(GUILD, { id: sid(1), name: 'a' }), unknown);
    await expectCode(store.addMember(GUILD, { userId: sid(1) }), unknown);
    await expectCode(store.reorderRoles(GUILD, [{ id: sid(1), position: 1 }]), unknown);
    await expectCode(store.reorderChannels(GUILD, [{ id: sid(1), position: 1 }]), unknown);
  });

  it('validates ids and fields before touching anything', async () => {
    const store = ctx.store();
    const invalid = StorageErrorCode.InvalidArgument;
    for (const id of [
      '0123',
      '-1',
      '1.5',
      '',
      ' 1',
      '18446744073709551616',
      12 as unknown as string,
    ]) {
      await expectCode(store.createGuild({ id, name: 'Guildkit', ownerId: OWNER }), invalid);
      await expectCode(store.getGuild(id), invalid);
    }
    await expectCode(store.createGuild({ id: GUILD, name: 'x', ownerId: OWNER }), invalid);
    await expectCode(
      store.createGuild({ id: GUILD, name: 'x'.repeat(101), ownerId: OWNER }),
      invalid,
    );
    await expectCode(
      store.createGuild({ id: GUILD, name: 'Guildkit', ownerId: OWNER, everyonePermissions: -1n }),
      invalid,
    );
    await expectCode(
      store.createGuild({
        id: GUILD,
        name: 'Guildkit',
        ownerId: OWNER,
        everyonePermissions: 2n ** 64n,
      }),
      invalid,
    );
    await expectCode(store.createGuild(null as never), invalid);
    expect(await store.getGuild(GUILD)).toBeNull();
  });

  it('accepts the largest Snowflake, 2^64 - 1', async () => {
    const store = ctx.store();
    const id = (2n ** 64n - 1n).toString();
    await store.createGuild({ id, name: 'Edge', ownerId: id });
    expect(await store.getGuild(id)).toEqual({ id, name: 'Edge', ownerId: id });
    expect((await store.getRole(id, id))?.position).toBe(0);
  });

  it('renames a guild and transfers ownership only to a member', async () => {
    const store = ctx.store();
    await createGuild(store);
    expect(await store.updateGuild(GUILD, { name: 'Renamed' })).toEqual({
      id: GUILD,
      name: 'Renamed',
      ownerId: OWNER,
    });
    await expectCode(store.updateGuild(GUILD, { ownerId: sid(5) }), StorageErrorCode.UnknownMember);
    await store.addMember(GUILD, { userId: sid(5) });
    await store.updateGuild(GUILD, { ownerId: sid(5) });
    expect(await store.getGuild(GUILD)).toEqual({ id: GUILD, name: 'Renamed', ownerId: sid(5) });
  });

  it('deletes a guild with all its channels, roles and members', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createChannel(GUILD, { id: sid(1), type: 4, name: 'cat' });
    await store.createChannel(GUILD, { id: sid(2), type: 0, name: 'general', parentId: sid(1) });
    await store.createRole(GUILD, { id: sid(3), name: 'mods' });
    await store.setOverwrite(GUILD, sid(2), { id: sid(3), type: 0, allow: 1n, deny: 0n });
    await store.addMember(GUILD, { userId: sid(4), roleIds: [sid(3)] });
    await store.deleteGuild(GUILD);
    expect(await store.getGuild(GUILD)).toBeNull();
    expect(await store.getChannel(GUILD, sid(2))).toBeNull();
    expect(await store.getRole(GUILD, sid(3))).toBeNull();
    expect(await store.getRole(GUILD, GUILD)).toBeNull();
    expect(await store.getMember(GUILD, sid(4))).toBeNull();
    await createGuild(store);
    expect(await store.listChannels(GUILD)).toEqual([]);
    expect((await store.listRoles(GUILD)).map((role) => role.id)).toEqual([GUILD]);
    expect((await store.listMembers(GUILD, { limit: 10 })).map((m) => m.userId)).toEqual([OWNER]);
  });

  it('keeps guilds apart', async () => {
    const store = ctx.store();
    await createGuild(store);
    const other = sid(900);
    await store.createGuild({ id: other, name: 'Other', ownerId: OWNER });
    await store.createRole(GUILD, { id: sid(1), name: 'mods' });
    await store.createChannel(other, { id: sid(2), type: 0, name: 'general' });
    expect(await store.getRole(other, sid(1))).toBeNull();
    expect(await store.getChannel(GUILD, sid(2))).toBeNull();
    await store.deleteGuild(other);
    expect(await store.getRole(GUILD, sid(1))).not.toBeNull();
  });

  it('returns snapshots that later changes do not touch', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'mods' });
    const member = await store.addMember(GUILD, { userId: sid(2), roleIds: [sid(1)] });
    const read = await store.getMember(GUILD, sid(2));
    await store.updateMember(GUILD, sid(2), { roleIds: [], nick: 'changed' });
    expect(member.roleIds).toEqual([sid(1)]);
    expect(read).toEqual(member);
  });

  it('rejects every call with CLOSED after close', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.close();
    await store.close();
    const closed = StorageErrorCode.Closed;
    await expectCode(store.getGuild(GUILD), closed);
    await expectCode(store.createRole(GUILD, { id: sid(1), name: 'mods' }), closed);
    await expectCode(store.listMembers(GUILD), closed);
  });
}
