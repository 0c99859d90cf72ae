/** Conformance tests: roles, the `@everyone` role, the hierarchy and cascading deletes. */
import { expect, it } from 'vitest';
import { StorageErrorCode } from '../errors.js';
import {
  type ConformanceContext,
  createGuild,
  expectCode,
  GUILD,
  sid,
} from './guild-conformance-context.js';

/**
 * Registers the role tests.
 *
 * @param ctx - the running test's store and clock.
 */
export function roleTests(ctx: ConformanceContext): void {
  it('creates a role with defaults above @everyone', async () => {
    const store = ctx.store();
    await createGuild(store);
    const role = await store.createRole(GUILD, { id: sid(1), name: 'mods' });
    expect(role).toEqual({
      id: sid(1),
      guildId: GUILD,
      name: 'mods',
      permissions: 0n,
      position: 1,
      hoist: false,
      color: 0,
      mentionable: false,
      managed: false,
    });
    expect(await store.getRole(GUILD, sid(1))).toEqual(role);
    await expectCode(
      store.createRole(GUILD, { id: sid(1), name: 'again' }),
      StorageErrorCode.AlreadyExists,
    );
  });

  it('stores permissions above 2^53 exactly', async () => {
    const store = ctx.store();
    await createGuild(store, (1n << 52n) | (1n << 40n) | 1n);
    const all = 2n ** 64n - 1n;
    const odd = (1n << 53n) + 1n;
    await store.createRole(GUILD, { id: sid(1), name: 'all', permissions: all });
    await store.createRole(GUILD, { id: sid(2), name: 'odd', permissions: odd, position: 2 });
    expect((await store.getRole(GUILD, sid(1)))?.permissions).toBe(all);
    expect((await store.getRole(GUILD, GUILD))?.permissions).toBe((1n << 52n) | (1n << 40n) | 1n);
    expect((await store.listRoles(GUILD)).map((role) => role.permissions)).toEqual([
      odd,
      all,
      (1n << 52n) | (1n << 40n) | 1n,
    ]);
    await store.updateRole(GUILD, sid(2), { permissions: odd + 2n });
    expect((await store.getRole(GUILD, sid(2)))?.permissions).toBe(odd + 2n);
  });

  it('validates role fields; position 0 and the guild id belong to @everyone', async () => {
    const store = ctx.store();
    await createGuild(store);
    const invalid = StorageErrorCode.InvalidArgument;
    await expectCode(store.createRole(GUILD, { id: GUILD, name: 'x' }), invalid);
    await expectCode(store.createRole(GUILD, { id: sid(1), name: 'x', position: 0 }), invalid);
    await expectCode(store.createRole(GUILD, { id: sid(1), name: 'x', color: 0x1000000 }), invalid);
    await expectCode(store.createRole(GUILD, { id: sid(1), name: '' }), invalid);
    await expectCode(
      store.createRole(GUILD, { id: sid(1), name: 'x', permissions: 1 as never }),
      invalid,
    );
    expect(await store.getRole(GUILD, sid(1))).toBeNull();
  });

  it('updates a role, but not the name or position of @everyone', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'mods' });
    const updated = await store.updateRole(GUILD, sid(1), {
      name: 'admins',
      hoist: true,
      color: 0xff0000,
      position: 3,
    });
    expect(updated).toMatchObject({
      name: 'admins',
      hoist: true,
      color: 0xff0000,
      position: 3,
      mentionable: false,
    });
    expect(await store.getRole(GUILD, sid(1))).toEqual(updated);
    await expectCode(
      store.updateRole(GUILD, GUILD, { name: 'everyone' }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.updateRole(GUILD, GUILD, { position: 1 }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.updateRole(GUILD, sid(1), { position: 0 }),
      StorageErrorCode.InvalidArgument,
    );
    const everyone = await store.updateRole(GUILD, GUILD, { permissions: 1024n });
    expect(everyone).toMatchObject({ name: '@everyone', position: 0, permissions: 1024n });
    await expectCode(
      store.updateRole(GUILD, sid(2), { hoist: true }),
      StorageErrorCode.UnknownRole,
    );
  });

  it('lists roles highest first, the lower id first at equal positions', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(3), name: 'c', position: 2 });
    await store.createRole(GUILD, { id: sid(1), name: 'a', position: 2 });
    await store.createRole(GUILD, { id: sid(2), name: 'b', position: 5 });
    await store.createRole(GUILD, { id: sid(4), name: 'd', position: 1 });
    expect((await store.listRoles(GUILD)).map((role) => role.id)).toEqual([
      sid(2),
      sid(1),
      sid(3),
      sid(4),
      GUILD,
    ]);
  });

  it('reorders roles all or nothing, never moving @everyone', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'a', position: 1 });
    await store.createRole(GUILD, { id: sid(2), name: 'b', position: 2 });
    const listed = await store.reorderRoles(GUILD, [
      { id: sid(1), position: 2 },
      { id: sid(2), position: 1 },
    ]);
    expect(listed.map((role) => [role.id, role.position])).toEqual([
      [sid(1), 2],
      [sid(2), 1],
      [GUILD, 0],
    ]);
    const invalid = StorageErrorCode.InvalidArgument;
    await expectCode(
      store.reorderRoles(GUILD, [
        { id: sid(1), position: 5 },
        { id: GUILD, position: 1 },
      ]),
      invalid,
    );
    await expectCode(store.reorderRoles(GUILD, [{ id: sid(1), position: 0 }]), invalid);
    await expectCode(
      store.reorderRoles(GUILD, [
        { id: sid(1), position: 5 },
        { id: sid(1), position: 6 },
      ]),
      invalid,
    );
    await expectCode(
      store.reorderRoles(GUILD, [
        { id: sid(1), position: 5 },
        { id: sid(9), position: 6 },
      ]),
      StorageErrorCode.UnknownRole,
    );
    expect(await store.listRoles(GUILD)).toEqual(listed);
    expect(
      (await store.reorderRoles(GUILD, [{ id: GUILD, position: 0 }])).map((r) => r.id),
    ).toEqual([sid(1), sid(2), GUILD]);
  });

  it('deletes a role from every member and overwrite in the same change', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'mods' });
    await store.createRole(GUILD, { id: sid(2), name: 'keep' });
    await store.createChannel(GUILD, { id: sid(10), type: 0, name: 'general' });
    await store.setOverwrite(GUILD, sid(10), { id: sid(1), type: 0, allow: 1n, deny: 0n });
    await store.setOverwrite(GUILD, sid(10), { id: sid(2), type: 0, allow: 2n, deny: 0n });
    await store.addMember(GUILD, { userId: sid(20), roleIds: [sid(1), sid(2)] });
    await store.addMember(GUILD, { userId: sid(21), roleIds: [sid(1)] });
    await store.deleteRole(GUILD, sid(1));
    expect(await store.getRole(GUILD, sid(1))).toBeNull();
    expect((await store.getMember(GUILD, sid(20)))?.roleIds).toEqual([sid(2)]);
    expect((await store.getMember(GUILD, sid(21)))?.roleIds).toEqual([]);
    expect((await store.getChannel(GUILD, sid(10)))?.permissionOverwrites.map((o) => o.id)).toEqual(
      [sid(2)],
    );
    await expectCode(store.deleteRole(GUILD, sid(1)), StorageErrorCode.UnknownRole);
    await expectCode(store.deleteRole(GUILD, GUILD), StorageErrorCode.InvalidArgument);
    expect(await store.getRole(GUILD, GUILD)).not.toBeNull();
  });

  it('keeps a member overwrite whose user id equals a deleted role id', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'mods' });
    await store.createChannel(GUILD, { id: sid(10), type: 0, name: 'general' });
    await store.setOverwrite(GUILD, sid(10), { id: sid(1), type: 1, allow: 4n, deny: 0n });
    await store.deleteRole(GUILD, sid(1));
    expect((await store.getChannel(GUILD, sid(10)))?.permissionOverwrites).toEqual([
      { id: sid(1), type: 1, allow: 4n, deny: 0n },
    ]);
  });
}
