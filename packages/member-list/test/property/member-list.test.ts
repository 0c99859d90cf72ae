import { fc, test } from '@fast-check/vitest';
import type { ListRole, MemberListRange, MemberStatus } from '@guildkit/member-list';
import { describe, expect } from 'vitest';
import { ListHarness } from '../support/harness.js';
import { MemberListModel, type ModelMember } from '../support/model.js';

const NAMES = [
  'ana',
  'Ana',
  'ANA',
  'bo',
  'Bö',
  'zoë',
  'émile',
  'Émile',
  'x',
  'Xy',
  'ß',
  'İz',
  'ω',
  'Ω',
  'a b',
];
const STATUSES: MemberStatus[] = ['online', 'idle', 'dnd', 'offline', 'invisible'];
const ROLE_IDS = ['175928847299117063', '175928847299117064', '41771983423143936', '9'];
const SUBSCRIBERS = ['s1', 's2', 's3'];

function userId(index: number): string {
  return index < 3 ? String(index * 7 + 1) : String(80351110224678912n + BigInt(index) * 4194305n);
}

const name = fc.constantFrom(...NAMES);
const optionalName = fc.option(name, { nil: null });
const status = fc.constantFrom(...STATUSES);
const roles = fc.subarray([...ROLE_IDS, ROLE_IDS[0]!]);
const range = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }))
  .map(([start, size]): MemberListRange => [start, start + size]);

type Action =
  | {
      kind: 'join';
      user: number;
      username: string;
      globalName: string | null;
      nick: string | null;
      roles: string[];
      status: MemberStatus;
    }
  | { kind: 'leave'; user: number }
  | { kind: 'status'; user: number; status: MemberStatus }
  | { kind: 'roles'; user: number; roles: string[] }
  | {
      kind: 'names';
      user: number;
      nick?: string | null;
      globalName?: string | null;
      username?: string;
    }
  | { kind: 'role'; role: number; position: number; hoist: boolean }
  | { kind: 'removeRole'; role: number }
  | { kind: 'subscribe'; subscriber: number; ranges: MemberListRange[] }
  | { kind: 'flush' };

function actions(users: number): fc.Arbitrary<Action[]> {
  const user = fc.integer({ min: 0, max: users - 1 });
  const action: fc.Arbitrary<Action> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('join' as const),
        user,
        username: name,
        globalName: optionalName,
        nick: optionalName,
        roles,
        status,
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('leave' as const), user }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('status' as const), user, status }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('roles' as const), user, roles }) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          kind: fc.constant('names' as const),
          user,
          nick: optionalName,
          globalName: optionalName,
          username: name,
        },
        { requiredKeys: ['kind', 'user'] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('role' as const),
        role: fc.nat(3),
        position: fc.integer({ min: 0, max: 3 }),
        hoist: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('removeRole' as const), role: fc.nat(3) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('subscribe' as const),
        subscriber: fc.nat(2),
        ranges: fc.array(range, { maxLength: 3 }),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ kind: 'flush' as const }) },
  );
  return fc.array(action, { maxLength: 120 });
}

function run(
  initial: number,
  threshold: number,
  startRoles: ListRole[],
  startRanges: MemberListRange[][],
  script: Action[],
  shareCounts = false,
): void {
  const harness = new ListHarness({ offlineThreshold: threshold, roles: startRoles, shareCounts });
  const model = new MemberListModel(threshold);
  for (const role of startRoles) model.roles.set(role.id, role);
  const seed: ModelMember[] = [];
  for (let i = 0; i < initial; i++) {
    seed.push({
      userId: userId(i),
      username: `${NAMES[i % NAMES.length]}${i % 7}`,
      globalName: i % 3 === 0 ? null : NAMES[(i * 5) % NAMES.length]!,
      nick: i % 5 === 0 ? NAMES[(i * 3) % NAMES.length]! : null,
      roles: i % 4 === 0 ? [ROLE_IDS[i % 3]!] : [],
      status: STATUSES[i % STATUSES.length]!,
    });
  }
  harness.list.load(seed);
  for (const member of seed)
    model.members.set(member.userId, { ...member, roles: [...member.roles] });
  for (const [i, ranges] of startRanges.entries()) harness.subscribe(SUBSCRIBERS[i]!, ranges);

  const check = (): void => {
    expect(harness.list.memberCount).toBe(model.members.size);
    expect(harness.list.onlineCount).toBe(model.onlineCount);
    expect(harness.list.groups()).toEqual(model.groups());
    if (model.members.size <= 2000)
      expect(harness.list.rows(0, harness.list.length)).toEqual(model.rows());
    for (const view of harness.views()) expect(view.replica).toEqual(view.server);
    for (const [subscriberId] of harness.ranges) {
      const replica = harness.replicas.get(subscriberId)!;
      expect(replica.groups).toEqual(model.groups());
      expect(replica.memberCount).toBe(model.members.size);
      expect(replica.onlineCount).toBe(model.onlineCount);
    }
  };

  for (const action of script) {
    const id = 'user' in action ? userId(action.user) : '';
    const member = model.members.get(id);
    switch (action.kind) {
      case 'join': {
        if (member !== undefined) break;
        const { kind: _kind, user: _user, ...fields } = action;
        harness.list.addMember({ userId: id, ...fields });
        model.members.set(id, { userId: id, ...fields, roles: [...fields.roles] });
        break;
      }
      case 'leave':
        if (member === undefined) break;
        harness.list.removeMember(id);
        model.members.delete(id);
        break;
      case 'status':
        if (member === undefined) break;
        harness.list.updateMember(id, { status: action.status });
        member.status = action.status;
        break;
      case 'roles':
        if (member === undefined) break;
        harness.list.updateMember(id, { roles: action.roles });
        member.roles = [...action.roles];
        break;
      case 'names': {
        if (member === undefined) break;
        const { kind: _kind, user: _user, ...patch } = action;
        harness.list.updateMember(id, patch);
        Object.assign(member, patch);
        break;
      }
      case 'role': {
        const role = { id: ROLE_IDS[action.role]!, position: action.position, hoist: action.hoist };
        harness.list.setRole(role);
        model.roles.set(role.id, role);
        break;
      }
      case 'removeRole': {
        const roleId = ROLE_IDS[action.role]!;
        if (!model.roles.has(roleId)) break;
        harness.list.removeRole(roleId);
        model.roles.delete(roleId);
        break;
      }
      case 'subscribe':
        harness.tick();
        check();
        harness.subscribe(SUBSCRIBERS[action.subscriber]!, action.ranges);
        check();
        break;
      case 'flush':
        harness.tick();
        check();
        break;
    }
  }
  harness.tick();
  check();
}

const roleTable = fc.uniqueArray(
  fc.record({
    id: fc.constantFrom(...ROLE_IDS),
    position: fc.integer({ min: 0, max: 3 }),
    hoist: fc.boolean(),
  }),
  { selector: (role) => role.id, maxLength: 4 },
);

describe('MemberList against a sorted-array model', () => {
  test.prop(
    [
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom(5, 20, 1000),
      roleTable,
      fc.array(fc.array(range, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
      actions(60),
      fc.boolean(),
    ],
    { numRuns: 300 },
  )(
    'replicas equal the server in every subscribed range after every flush; counts equal a recount',
    (initial, threshold, startRoles, ranges, script, shareCounts) => {
      run(initial, threshold, startRoles, ranges, script, shareCounts);
    },
  );

  test.prop(
    [
      fc.constantFrom(2000, 10_000),
      roleTable,
      fc.array(
        fc.array(
          range.map(([s, e]): MemberListRange => [s * 50, s * 50 + e]),
          { minLength: 1, maxLength: 3 },
        ),
        { minLength: 1, maxLength: 3 },
      ),
      actions(10_000),
    ],
    { numRuns: 6 },
  )('holds on lists of up to 10,000 members', (initial, startRoles, ranges, script) => {
    run(initial, 1000, startRoles, ranges, script);
  });
});
