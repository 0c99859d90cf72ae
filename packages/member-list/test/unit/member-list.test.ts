import {
  type GuildMemberListUpdate,
  MemberList,
  MemberListError,
  MemberListErrorCode,
  type MemberListItem,
} from '@guildkit/member-list';
import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { ListHarness } from '../support/harness.js';

const ADMIN = '175928847299117063';
const MOD = '175928847299117064';

function names(items: readonly (MemberListItem | undefined)[]): string[] {
  return items.map((item) =>
    item === undefined
      ? '?'
      : 'group' in item
        ? `#${item.group.id}:${item.group.count}`
        : item.member.user.username,
  );
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MemberListError) return error.code;
    throw error;
  }
  return undefined;
}

describe('MemberList ordering', () => {
  it('lists hoisted groups by position, then online, then offline, each sorted by display name', () => {
    const harness = new ListHarness({
      roles: [
        { id: MOD, position: 1, hoist: true },
        { id: ADMIN, position: 5, hoist: true },
      ],
    });
    harness.list.load([
      { userId: '10', username: 'zed', status: 'online', roles: [MOD, ADMIN] },
      { userId: '11', username: 'amy', status: 'idle', roles: [MOD] },
      { userId: '12', username: 'bob', status: 'online' },
      { userId: '13', username: 'cat', nick: 'Aaron', status: 'dnd' },
      { userId: '14', username: 'dan', status: 'offline', roles: [ADMIN] },
      { userId: '15', username: 'eve', status: 'invisible' },
    ]);
    expect(names(harness.list.rows(0, 100))).toEqual([
      `#${ADMIN}:1`,
      'zed',
      `#${MOD}:1`,
      'amy',
      '#online:2',
      'cat',
      'bob',
      '#offline:2',
      'dan',
      'eve',
    ]);
    expect(harness.list.onlineCount).toBe(4);
    expect(harness.list.indexOf('13')).toBe(5);
  });

  it('prefers nick over global name over username, case-insensitively, ties by numeric user id', () => {
    const harness = new ListHarness();
    harness.list.load([
      { userId: '100', username: 'q', globalName: 'Bea', status: 'online' },
      { userId: '99', username: 'bea', status: 'online' },
      { userId: '5', username: 'z', globalName: 'x', nick: 'BEA', status: 'online' },
      { userId: '1000', username: 'Alpha', status: 'online' },
    ]);
    expect(
      harness.list.rows(1, 5).map((item) => ('member' in item ? item.member.user.id : '')),
    ).toEqual(['1000', '5', '99', '100']);
  });

  it('leaves offline members out of lists above the threshold but counts them', () => {
    const harness = new ListHarness({ offlineThreshold: 2 });
    harness.list.load([
      { userId: '1', username: 'a', status: 'online' },
      { userId: '2', username: 'b' },
      { userId: '3', username: 'c' },
    ]);
    expect(names(harness.list.rows(0, 10))).toEqual(['#online:1', 'a']);
    expect(harness.list.memberCount).toBe(3);
    expect(harness.list.indexOf('2')).toBe(-1);
    harness.list.removeMember('3');
    harness.tick();
    expect(names(harness.list.rows(0, 10))).toEqual(['#online:1', 'a', '#offline:1', 'b']);
  });
});

describe('MemberList updates', () => {
  it('sends SYNC for new ranges and INVALIDATE for dropped ones, nothing for kept ones', () => {
    const harness = new ListHarness();
    harness.list.load([{ userId: '1', username: 'a', status: 'online' }]);
    harness.subscribe('s', [[0, 99]]);
    harness.subscribe('s', [
      [0, 99],
      [100, 199],
    ]);
    harness.subscribe('s', [[100, 199]]);
    const ops = harness.updates.map(([, update]) => update.ops.map((op) => op.op));
    expect(ops).toEqual([['SYNC'], ['SYNC'], ['INVALIDATE']]);
    expect(harness.updates[0]![1]).toMatchObject({
      id: 'everyone',
      guild_id: '81384788765712384',
      member_count: 1,
      online_count: 1,
      groups: [{ id: 'online', count: 1 }],
      ops: [
        {
          op: 'SYNC',
          range: [0, 99],
          items: [{ group: { id: 'online', count: 1 } }, { member: { nick: null } }],
        },
      ],
    });
  });

  it('re-syncs a kept range that overlaps a dropped one, whose INVALIDATE cleared shared rows', () => {
    const harness = new ListHarness();
    harness.list.load([
      { userId: '1', username: 'a', status: 'online' },
      { userId: '2', username: 'b', status: 'online' },
    ]);
    harness.subscribe('s', [
      [1, 5],
      [0, 1],
    ]);
    harness.subscribe('s', [[1, 5]]);
    const last = harness.updates.at(-1)![1];
    // Row 1 belongs to both ranges: INVALIDATE [0, 1] clears it, so [1, 5] is synced again.
    expect(last.ops.map((op) => op.op)).toEqual(['INVALIDATE', 'SYNC']);
    expect(last.ops[1]).toMatchObject({ op: 'SYNC', range: [1, 5] });
  });

  it('batches changes per tick and coalesces a member who flaps online and offline', () => {
    const harness = new ListHarness();
    harness.list.load([
      { userId: '1', username: 'a', status: 'online' },
      { userId: '2', username: 'b' },
    ]);
    harness.subscribe('s', [[0, 99]]);
    harness.updates.length = 0;
    harness.list.updateMember('2', { status: 'online' });
    harness.list.updateMember('2', { status: 'offline' });
    expect(harness.scheduler.pendingCount).toBe(1);
    harness.scheduler.advance(99);
    expect(harness.updates).toEqual([]);
    harness.scheduler.advance(1);
    expect(harness.updates).toEqual([]);
  });

  it('moves a member with DELETE and INSERT and updates the headers whose counts changed', () => {
    const harness = new ListHarness();
    harness.list.load([
      { userId: '1', username: 'a', status: 'online' },
      { userId: '2', username: 'b' },
    ]);
    harness.subscribe('s', [[0, 99]]);
    harness.updates.length = 0;
    harness.list.updateMember('2', { status: 'dnd' });
    harness.tick();
    expect(harness.updates).toHaveLength(1);
    expect(harness.updates[0]![1].ops).toEqual([
      { op: 'DELETE', index: 2 },
      { op: 'DELETE', index: 2 },
      {
        op: 'INSERT',
        index: 2,
        item: expect.objectContaining({
          member: expect.objectContaining({ presence: { user: { id: '2' }, status: 'dnd' } }),
        }),
      },
      { op: 'UPDATE', index: 0, item: { group: { id: 'online', count: 2 } } },
    ]);
  });

  it('sends UPDATE when a member changes in place and nothing to subscribers whose ranges end before it', () => {
    const harness = new ListHarness();
    harness.list.load([
      { userId: '1', username: 'a', status: 'online' },
      { userId: '2', username: 'b', status: 'online' },
    ]);
    harness.subscribe('near', [[0, 1]]);
    harness.subscribe('far', [[0, 99]]);
    harness.updates.length = 0;
    harness.list.updateMember('2', { status: 'idle' });
    harness.tick();
    expect(harness.updates.map(([id, update]) => [id, update.ops.map((op) => op.op)])).toEqual([
      ['far', ['UPDATE']],
    ]);
  });

  it('hands count-only updates to onSharedUpdate in one call, as one shared object', () => {
    const shared: [readonly string[], GuildMemberListUpdate][] = [];
    const own: string[] = [];
    const list = new MemberList({
      guildId: '81384788765712384',
      id: 'everyone',
      scheduler: new ManualScheduler(),
      onUpdate: (subscriberId) => own.push(subscriberId),
      onSharedUpdate: (subscriberIds, update) => shared.push([[...subscriberIds], update]),
    });
    list.load([
      { userId: '1', username: 'a', status: 'online' },
      { userId: '2', username: 'b', status: 'online' },
    ]);
    list.subscribe('top', [[0, 9]]);
    list.subscribe('row-1', [[1, 1]]);
    list.subscribe('row-2', [[2, 2]]);
    own.length = 0;
    list.addMember({ userId: '3', username: 'z', status: 'online' });
    list.flush();
    expect(own).toEqual(['top']);
    expect(shared).toEqual([
      [
        ['row-1', 'row-2'],
        {
          id: 'everyone',
          guild_id: '81384788765712384',
          member_count: 3,
          online_count: 3,
          groups: [{ id: 'online', count: 3 }],
          ops: [],
        },
      ],
    ]);
  });
});

describe('MemberList errors', () => {
  const harness = new ListHarness();
  harness.list.load([{ userId: '1', username: 'a' }]);

  it('rejects bad ranges with GK_MEMBER_LIST_INVALID_RANGE', () => {
    for (const ranges of [
      [[5, 1]],
      [[-1, 3]],
      [[0.5, 3]],
      Array.from({ length: 9 }, () => [0, 1]),
    ]) {
      expect(codeOf(() => harness.list.subscribe('s', ranges as [number, number][]))).toBe(
        MemberListErrorCode.InvalidRange,
      );
    }
    expect(codeOf(() => harness.list.rows(3, 1))).toBe(MemberListErrorCode.InvalidRange);
  });

  it('rejects unknown and duplicate members, unknown roles and malformed input', () => {
    expect(codeOf(() => harness.list.removeMember('2'))).toBe(MemberListErrorCode.UnknownMember);
    expect(codeOf(() => harness.list.updateMember('2', { status: 'online' }))).toBe(
      MemberListErrorCode.UnknownMember,
    );
    expect(codeOf(() => harness.list.indexOf('2'))).toBe(MemberListErrorCode.UnknownMember);
    expect(codeOf(() => harness.list.addMember({ userId: '1', username: 'b' }))).toBe(
      MemberListErrorCode.DuplicateMember,
    );
    expect(codeOf(() => harness.list.removeRole('7'))).toBe(MemberListErrorCode.UnknownRole);
    expect(codeOf(() => harness.list.addMember({ userId: '01', username: 'b' }))).toBe(
      MemberListErrorCode.InvalidArgument,
    );
    expect(
      codeOf(() => harness.list.addMember({ userId: '18446744073709551616', username: 'b' })),
    ).toBe(MemberListErrorCode.InvalidArgument);
    expect(codeOf(() => harness.list.addMember({ userId: '3', username: '' }))).toBe(
      MemberListErrorCode.InvalidArgument,
    );
    expect(codeOf(() => harness.list.updateMember('1', { status: 'away' as 'idle' }))).toBe(
      MemberListErrorCode.InvalidArgument,
    );
    expect(codeOf(() => harness.list.load([]))).toBe(MemberListErrorCode.InvalidArgument);
  });

  it('rejects bad options and use after close', () => {
    expect(codeOf(() => new ListHarness({ offlineThreshold: -1 }))).toBe(
      MemberListErrorCode.InvalidOption,
    );
    expect(
      codeOf(
        () =>
          new MemberList({
            guildId: '1',
            id: 'everyone',
            onUpdate: () => {},
            onSharedUpdate: 'yes' as unknown as () => void,
          }),
      ),
    ).toBe(MemberListErrorCode.InvalidOption);
    const closing = new ListHarness();
    closing.list.close();
    expect(codeOf(() => closing.list.addMember({ userId: '1', username: 'a' }))).toBe(
      MemberListErrorCode.Closed,
    );
  });
});
