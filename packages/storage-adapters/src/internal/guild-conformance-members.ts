/** Conformance tests: members, their roles and timeouts, paging, concurrent changes. */
import { expect, it } from 'vitest';
import { StorageErrorCode } from '../errors.js';
import { GUILD_LIMITS } from '../guild-types.js';
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
 * Registers the member tests.
 *
 * @param ctx - the running test's store and clock.
 */
export function memberTests(ctx: ConformanceContext): void {
  it("adds a member joined at the store's clock, with roles sorted by id", async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(2), name: 'b' });
    await store.createRole(GUILD, { id: sid(1), name: 'a' });
    ctx.clock.set(START_MS + 5000);
    const member = await store.addMember(GUILD, {
      userId: sid(10),
      nick: 'neo',
      roleIds: [sid(2), sid(1)],
    });
    expect(member).toEqual({
      guildId: GUILD,
      userId: sid(10),
      nick: 'neo',
      roleIds: [sid(1), sid(2)],
      joinedAt: START_MS + 5000,
      communicationDisabledUntil: null,
    });
    expect(await store.getMember(GUILD, sid(10))).toEqual(member);
    await expectCode(store.addMember(GUILD, { userId: sid(10) }), StorageErrorCode.AlreadyExists);
  });

  it('gives members only distinct, existing roles other than @everyone', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'a' });
    await expectCode(
      store.addMember(GUILD, { userId: sid(10), roleIds: [sid(9)] }),
      StorageErrorCode.UnknownRole,
    );
    await expectCode(
      store.addMember(GUILD, { userId: sid(10), roleIds: [GUILD] }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.addMember(GUILD, { userId: sid(10), roleIds: [sid(1), sid(1)] }),
      StorageErrorCode.InvalidArgument,
    );
    expect(await store.getMember(GUILD, sid(10))).toBeNull();
    await store.addMember(GUILD, { userId: sid(10) });
    await expectCode(
      store.updateMember(GUILD, sid(10), { roleIds: [sid(1), sid(9)] }),
      StorageErrorCode.UnknownRole,
    );
    expect((await store.getMember(GUILD, sid(10)))?.roleIds).toEqual([]);
  });

  it('updates nick, roles and timeout, each only when given', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.createRole(GUILD, { id: sid(1), name: 'a' });
    await store.addMember(GUILD, { userId: sid(10), nick: 'neo' });
    const until = START_MS + 60_000;
    const timedOut = await store.updateMember(GUILD, sid(10), {
      communicationDisabledUntil: until,
    });
    expect(timedOut).toMatchObject({ nick: 'neo', roleIds: [], communicationDisabledUntil: until });
    const roled = await store.updateMember(GUILD, sid(10), { roleIds: [sid(1)], nick: null });
    expect(roled).toMatchObject({
      nick: null,
      roleIds: [sid(1)],
      communicationDisabledUntil: until,
      joinedAt: START_MS,
    });
    expect(await store.getMember(GUILD, sid(10))).toEqual(roled);
    await store.updateMember(GUILD, sid(10), { communicationDisabledUntil: null });
    expect((await store.getMember(GUILD, sid(10)))?.communicationDisabledUntil).toBeNull();
    await expectCode(
      store.updateMember(GUILD, sid(11), { nick: 'x' }),
      StorageErrorCode.UnknownMember,
    );
    await expectCode(
      store.updateMember(GUILD, sid(10), { nick: 'x'.repeat(33) }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.updateMember(GUILD, sid(10), { nick: '' }),
      StorageErrorCode.InvalidArgument,
    );
  });

  it("bounds a timeout to 28 days after the store's clock", async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.addMember(GUILD, { userId: sid(10) });
    ctx.clock.set(START_MS + 1000);
    const limit = START_MS + 1000 + GUILD_LIMITS.timeoutMaxMs;
    await expectCode(
      store.updateMember(GUILD, sid(10), { communicationDisabledUntil: limit + 1 }),
      StorageErrorCode.InvalidArgument,
    );
    await expectCode(
      store.addMember(GUILD, { userId: sid(11), communicationDisabledUntil: limit + 1 }),
      StorageErrorCode.InvalidArgument,
    );
    const member = await store.updateMember(GUILD, sid(10), { communicationDisabledUntil: limit });
    expect(member.communicationDisabledUntil).toBe(limit);
  });

  it('removes members, but never the owner', async () => {
    const store = ctx.store();
    await createGuild(store);
    await store.addMember(GUILD, { userId: sid(10) });
    await store.removeMember(GUILD, sid(10));
    expect(await store.getMember(GUILD, sid(10))).toBeNull();
    await expectCode(store.removeMember(GUILD, sid(10)), StorageErrorCode.UnknownMember);
    await expectCode(store.removeMember(GUILD, OWNER), StorageErrorCode.InvalidArgument);
    expect(await store.getMember(GUILD, OWNER)).not.toBeNull();
  });

  it('pages members ascending by numeric user id, one by default', async () => {
    const store = ctx.store();
    await createGuild(store);
    const users = ['9', '10', '99', '100', '1000000000000000000', '18446744073709551615'];
    for (const userId of [...users].reverse()) await store.addMember(GUILD, { userId });
    const all = [...users, OWNER].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const ids = async (query?: { after?: string; limit?: number }) =>
      (await store.listMembers(GUILD, query)).map((member) => member.userId);
    expect(await ids()).toEqual([all[0]]);
    expect(await ids({ limit: 1000 })).toEqual(all);
    expect(await ids({ after: '10', limit: 3 })).toEqual(all.slice(2, 5));
    expect(await ids({ after: '11', limit: 2 })).toEqual(['99', '100']);
    expect(await ids({ after: '18446744073709551615', limit: 5 })).toEqual([]);
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ids({ limit: 2, ...(after !== undefined && { after }) });
      if (page.length === 0) break;
      paged.push(...page);
      after = page.at(-1);
    }
    expect(paged).toEqual(all);
    await expectCode(store.listMembers(GUILD, { limit: 0 }), StorageErrorCode.InvalidArgument);
    await expectCode(store.listMembers(GUILD, { limit: 1001 }), StorageErrorCode.InvalidArgument);
    await expectCode(store.listMembers(GUILD, { after: 'x' }), StorageErrorCode.InvalidArgument);
  });

  it('lets exactly one of two concurrent adds of a member win', async () => {
    const store = ctx.store();
    await createGuild(store);
    const results = await Promise.allSettled([
      store.addMember(GUILD, { userId: sid(10), nick: 'first' }),
      store.addMember(GUILD, { userId: sid(10), nick: 'second' }),
    ]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({
      code: StorageErrorCode.AlreadyExists,
    });
    expect(await store.getMember(GUILD, sid(10))).toEqual(
      (fulfilled[0] as PromiseFulfilledResult<unknown>).value,
    );
  });

  it('applies concurrent role changes without losing any', async () => {
    const store = ctx.store();
    await createGuild(store);
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.createRole(GUILD, { id: sid(index + 1), name: `r${index}` }),
      ),
    );
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.addMember(GUILD, { userId: sid(100 + index), roleIds: [sid(index + 1)] }),
      ),
    );
    expect(await store.listRoles(GUILD)).toHaveLength(9);
    expect(await store.listMembers(GUILD, { limit: 100 })).toHaveLength(9);
  });
}
