import type { PermissionChannel, PermissionMember, PermissionRole } from './shapes.js';

/**
 * Events of a {@link PermissionCache}. Each is emitted after the state has changed and the
 * affected cache entries have been dropped.
 */
export interface PermissionCacheEvents {
  /** A role was created (`previous` undefined) or replaced. */
  roleUpdate: [role: PermissionRole, previous: PermissionRole | undefined];
  /** A role was removed. */
  roleRemove: [role: PermissionRole];
  /** A member was added (`previous` undefined) or changed (roles or timeout). */
  memberUpdate: [member: PermissionMember, previous: PermissionMember | undefined];
  /** A member was removed. */
  memberRemove: [member: PermissionMember];
  /** A channel was added (`previous` undefined) or changed (type, overwrites or parent). */
  channelUpdate: [channel: PermissionChannel, previous: PermissionChannel | undefined];
  /** A channel was removed. */
  channelRemove: [channel: PermissionChannel];
  /** The guild's owner changed. */
  ownerUpdate: [ownerId: string, previousOwnerId: string];
  /** A change dropped `dropped` cached (member, channel) answers (never emitted for 0). */
  invalidate: [dropped: number];
  /** A listener of `event` threw `error`; the cache itself is unaffected. */
  listenerError: [event: keyof PermissionCacheEvents, error: unknown];
}
