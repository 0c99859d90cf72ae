import type {
  PermissionChannel,
  PermissionGuild,
  PermissionMember,
  PermissionOverwrite,
  PermissionRole,
} from '@guildkit/permissions';
import type {
  ChannelRecord,
  GuildRecord,
  MemberRecord,
  OverwriteRecord,
  RoleRecord,
} from '@guildkit/storage-adapters';
import { describe, expectTypeOf, it } from 'vitest';

describe('guild records feed @guildkit/permissions directly', () => {
  it('are assignable to the permission shapes', () => {
    expectTypeOf<RoleRecord>().toExtend<PermissionRole>();
    expectTypeOf<MemberRecord>().toExtend<PermissionMember>();
    expectTypeOf<OverwriteRecord>().toExtend<PermissionOverwrite>();
    expectTypeOf<ChannelRecord>().toExtend<PermissionChannel>();
    expectTypeOf<GuildRecord & { roles: RoleRecord[] }>().toExtend<PermissionGuild>();
  });

  it('keep permission bitfields as bigint and times as epoch ms', () => {
    expectTypeOf<RoleRecord['permissions']>().toEqualTypeOf<bigint>();
    expectTypeOf<OverwriteRecord['allow']>().toEqualTypeOf<bigint>();
    expectTypeOf<MemberRecord['communicationDisabledUntil']>().toEqualTypeOf<number | null>();
  });
});
