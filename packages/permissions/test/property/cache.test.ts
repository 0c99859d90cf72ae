import { fc, test } from '@fast-check/vitest';
import {
  computeChannelPermissions,
  PermissionCache,
  type PermissionChannel,
  type PermissionGuild,
  type PermissionMember,
  type PermissionOverwrite,
  type PermissionRole,
} from '@guildkit/permissions';
import { describe, expect } from 'vitest';
import {
  CHANNEL_TYPES,
  GUILD_ID,
  guildArb,
  NOW,
  overwritesArb,
  ROLE_IDS,
  rolePermissionsArb,
  STRAY_ROLE_IDS,
  USER_IDS,
} from '../support/arbitraries.js';

const CHANNEL_IDS = ['4001', '4002', '4003', '4004'] as const;
const THREAD_TYPES: readonly number[] = [10, 11, 12];

type Op =
  | { kind: 'updateRole'; role: PermissionRole }
  | { kind: 'removeRole'; roleId: string }
  | { kind: 'setMemberRoles'; userId: string; roleIds: string[] }
  | { kind: 'setMemberTimeout'; userId: string; until: number | null }
  | { kind: 'setOverwrites'; channelId: string; overwrites: PermissionOverwrite[] }
  | { kind: 'setParent'; channelId: string; parentId: string | null }
  | { kind: 'setChannel'; channel: PermissionChannel }
  | { kind: 'removeChannel'; channelId: string }
  | { kind: 'setOwner'; userId: string };

const roleIdArb = fc.constantFrom(GUILD_ID, ...ROLE_IDS);
const userIdArb = fc.constantFrom(...USER_IDS);
const channelIdArb = fc.constantFrom(...CHANNEL_IDS);
const channelArb: fc.Arbitrary<PermissionChannel> = fc.record({
  id: channelIdArb,
  guildId: fc.constant(GUILD_ID),
  type: fc.constantFrom(...CHANNEL_TYPES),
  parentId: fc.option(channelIdArb, { nil: null }),
  permissionOverwrites: overwritesArb,
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('updateRole' as const),
    role: fc.record({
      id: roleIdArb,
      permissions: rolePermissionsArb,
      position: fc.integer({ min: 0, max: 4 }),
    }),
  }),
  fc.record({ kind: fc.constant('removeRole' as const), roleId: fc.constantFrom(...ROLE_IDS) }),
  fc.record({
    kind: fc.constant('setMemberRoles' as const),
    userId: userIdArb,
    roleIds: fc.array(fc.constantFrom(...ROLE_IDS, ...STRAY_ROLE_IDS), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('setMemberTimeout' as const),
    userId: userIdArb,
    until: fc.option(fc.integer({ min: NOW - 5, max: NOW + 5 }), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('setOverwrites' as const),
    channelId: channelIdArb,
    overwrites: overwritesArb,
  }),
  fc.record({
    kind: fc.constant('setParent' as const),
    channelId: channelIdArb,
    parentId: fc.option(channelIdArb, { nil: null }),
  }),
  fc.record({ kind: fc.constant('setChannel' as const), channel: channelArb }),
  fc.record({ kind: fc.constant('removeChannel' as const), channelId: channelIdArb }),
  fc.record({
    kind: fc.constant('setOwner' as const),
    userId: fc.constantFrom(...USER_IDS, '3999'),
  }),
);

/** The plain model: the same state as the cache holds, recomputed from scratch on every query. */
interface Model {
  guild: PermissionGuild;
  members: Map<string, PermissionMember>;
  channels: Map<string, PermissionChannel>;
}

function apply(model: Model, op: Op): Model {
  const members = new Map(model.members);
  const channels = new Map(model.channels);
  const roles = model.guild.roles;
  switch (op.kind) {
    case 'updateRole':
      return {
        ...model,
        guild: { ...model.guild, roles: [...roles.filter((r) => r.id !== op.role.id), op.role] },
      };
    case 'removeRole':
      return {
        ...model,
        guild: { ...model.guild, roles: roles.filter((r) => r.id !== op.roleId) },
      };
    case 'setMemberRoles':
      members.set(op.userId, { ...members.get(op.userId)!, roleIds: op.roleIds });
      return { ...model, members };
    case 'setMemberTimeout':
      members.set(op.userId, { ...members.get(op.userId)!, communicationDisabledUntil: op.until });
      return { ...model, members };
    case 'setOverwrites':
      channels.set(op.channelId, {
        ...channels.get(op.channelId)!,
        permissionOverwrites: op.overwrites,
      });
      return { ...model, channels };
    case 'setParent':
      channels.set(op.channelId, { ...channels.get(op.channelId)!, parentId: op.parentId });
      return { ...model, channels };
    case 'setChannel':
      channels.set(op.channel.id, op.channel);
      return { ...model, channels };
    case 'removeChannel':
      channels.delete(op.channelId);
      return { ...model, channels };
    case 'setOwner':
      return { ...model, guild: { ...model.guild, ownerId: op.userId } };
  }
}

/** Whether the op applies to the model's state; otherwise the cache must refuse it. */
function applicable(model: Model, op: Op): boolean {
  switch (op.kind) {
    case 'removeRole':
      return model.guild.roles.some((r) => r.id === op.roleId);
    case 'setOverwrites':
    case 'setParent':
    case 'removeChannel':
      return model.channels.has(op.channelId);
    default:
      return true;
  }
}

function run(cache: PermissionCache, op: Op): void {
  switch (op.kind) {
    case 'updateRole':
      cache.updateRole(op.role);
      return;
    case 'removeRole':
      cache.removeRole(op.roleId);
      return;
    case 'setMemberRoles':
      cache.setMemberRoles(op.userId, op.roleIds);
      return;
    case 'setMemberTimeout':
      cache.setMemberTimeout(op.userId, op.until);
      return;
    case 'setOverwrites':
      cache.setOverwrites(op.channelId, op.overwrites);
      return;
    case 'setParent':
      cache.setParent(op.channelId, op.parentId);
      return;
    case 'setChannel':
      cache.setChannel(op.channel);
      return;
    case 'removeChannel':
      cache.removeChannel(op.channelId);
      return;
    case 'setOwner':
      cache.setOwner(op.userId);
      return;
  }
}

function outcome(compute: () => bigint): bigint | string {
  try {
    return compute();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

function fresh(model: Model, userId: string, channelId: string, now: number): bigint | string {
  const channel = model.channels.get(channelId)!;
  const parentId = THREAD_TYPES.includes(channel.type) ? channel.parentId : undefined;
  const parent = parentId == null ? undefined : model.channels.get(parentId);
  const options = parent === undefined ? { now } : { now, parent };
  return outcome(() =>
    computeChannelPermissions(model.guild, model.members.get(userId)!, channel, options),
  );
}

function checkAll(cache: PermissionCache, model: Model, now: number): void {
  for (const userId of USER_IDS) {
    for (const channelId of model.channels.keys()) {
      expect(outcome(() => cache.permissionsFor(userId, channelId, { now }))).toEqual(
        fresh(model, userId, channelId, now),
      );
    }
  }
}

describe('PermissionCache against recomputation', () => {
  test.prop(
    [
      guildArb,
      fc.uniqueArray(channelArb, { selector: (c) => c.id, minLength: 1 }),
      fc.array(fc.tuple(opArb, fc.integer({ min: NOW - 6, max: NOW + 6 })), { maxLength: 25 }),
    ],
    { numRuns: 300 },
  )(
    'after every step of a random change sequence, cached answers equal a fresh computation',
    (guild, channels, steps) => {
      let model: Model = {
        guild,
        members: new Map(USER_IDS.map((userId) => [userId, { userId, roleIds: [] }])),
        channels: new Map(channels.map((c) => [c.id, c])),
      };
      const cache = new PermissionCache({ guild, members: [...model.members.values()], channels });
      checkAll(cache, model, NOW);
      for (const [op, now] of steps) {
        if (applicable(model, op)) {
          run(cache, op);
          model = apply(model, op);
        } else {
          expect(() => run(cache, op)).toThrow();
        }
        checkAll(cache, model, now);
      }
    },
  );
});
