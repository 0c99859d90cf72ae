import type { MemberInput, MemberListItem, MemberStatus } from '@guildkit/member-list';
import { describe, expect, it } from 'vitest';
import { ListHarness } from '../support/harness.js';

const MEMBERS = 1_000_000;
const CHANGES = 10_000;
const ROLES = [
  { id: '300000000000000001', position: 3, hoist: true },
  { id: '300000000000000002', position: 2, hoist: true },
  { id: '300000000000000003', position: 1, hoist: false },
];
const BASE_ID = 200_000_000_000_000_000n;

function memberAt(i: number): MemberInput {
  const status: MemberStatus = i % 10 === 0 ? 'online' : i % 10 === 1 ? 'idle' : 'offline';
  return {
    userId: String(BASE_ID + BigInt(i)),
    username: `user${(i * 7919) % MEMBERS}`,
    globalName: i % 2 === 0 ? null : `User ${(i * 104_729) % MEMBERS}`,
    roles: i % 100 === 0 ? [ROLES[0]!.id] : i % 37 === 0 ? [ROLES[1]!.id, ROLES[2]!.id] : [],
    status,
  };
}

function isSortedWithinGroups(items: readonly MemberListItem[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!;
    const b = items[i]!;
    if (!('member' in a) || !('member' in b)) continue;
    const nameA = (
      a.member.nick ??
      a.member.user.global_name ??
      a.member.user.username
    ).toLowerCase();
    const nameB = (
      b.member.nick ??
      b.member.user.global_name ??
      b.member.user.username
    ).toLowerCase();
    if (nameA > nameB || (nameA === nameB && BigInt(a.member.user.id) > BigInt(b.member.user.id)))
      return false;
  }
  return true;
}

describe('MemberList at 1,000,000 members', () => {
  it('builds, flushes a burst of 10,000 changes in one tick and keeps replicas equal to the server', () => {
    const harness = new ListHarness({ roles: ROLES });
    const members = Array.from({ length: MEMBERS }, (_, i) => memberAt(i));
    harness.list.load(members);
    const ranges: [number, number][][] = [
      [[0, 99]],
      [
        [0, 99],
        [100, 199],
      ],
      [[50_000, 50_099]],
      [[199_900, 199_999]],
    ];
    for (const [i, subscribed] of ranges.entries()) harness.subscribe(`s${i}`, subscribed);

    let online = 200_000;
    for (let n = 0; n < CHANGES; n++) {
      const i = (n * 104_723 + 17) % MEMBERS;
      const member = members[i]!;
      const wasOnline = member.status !== 'offline';
      const status: MemberStatus = wasOnline ? 'offline' : 'dnd';
      online += wasOnline ? -1 : 1;
      harness.list.updateMember(
        member.userId,
        n % 3 === 0 ? { status, nick: `nick${n}` } : { status },
      );
    }
    harness.tick();

    expect(harness.list.memberCount).toBe(MEMBERS);
    expect(harness.list.onlineCount).toBe(online);
    const groups = harness.list.groups();
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(online);
    expect(harness.list.length).toBe(online + groups.length);
    for (const view of harness.views()) {
      expect(view.replica).toEqual(view.server);
      expect(isSortedWithinGroups(view.server as MemberListItem[])).toBe(true);
    }
    const middle = harness.list.rows(100_000, 100_100);
    expect(middle).toHaveLength(100);
    expect(isSortedWithinGroups(middle)).toBe(true);
    expect(harness.list.bytesPerMember()).toBeLessThan(150);
  });
});
