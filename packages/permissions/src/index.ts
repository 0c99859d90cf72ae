export { PermissionCache, type PermissionCacheInit, type PermissionCacheOptions } from './cache.js';
export { type Clock, SYSTEM_CLOCK } from './clock.js';
export { type CompiledChannel, CompiledGuild, compileGuild } from './compiled.js';
export { PermissionsError, PermissionsErrorCode } from './errors.js';
export type { PermissionCacheEvents } from './events.js';
export {
  ALL_PERMISSIONS,
  describePermissions,
  hasPermission,
  type PermissionFlagName,
  PermissionFlags,
} from './flags.js';
export { canManageRole, canModerate, compareRoles, highestRole } from './hierarchy.js';
export {
  fromPermissionBits,
  hasPermissionBits,
  type PermissionBits,
  toPermissionBits,
} from './permission-bits.js';
export {
  type BasePermissionsOptions,
  type ChannelPermissionsOptions,
  computeBasePermissions,
  computeChannelPermissions,
} from './resolve.js';
export {
  OverwriteType,
  type PermissionChannel,
  type PermissionGuild,
  type PermissionMember,
  type PermissionOverwrite,
  type PermissionRole,
} from './shapes.js';
export { MAX_PERMISSIONS, parsePermissions, serializePermissions } from './wire.js';
