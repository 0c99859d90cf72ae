import { SYSTEM_CLOCK } from './clock.js';
import { PermissionsError, PermissionsErrorCode } from './errors.js';
import { ALL_PERMISSIONS, PermissionFlags } from './flags.js';
import { BigIntInterner } from './internal/bigint-interner.js';
import { ChannelData } from './internal/compiled-channel.js';
import { indexGuild, overwriteSource } from './internal/guild-index.js';
import { checkRange, highHalf, lowHalf } from './internal/halves.js';
import { ChannelKind, CONNECT_DEPENDENT, SEND_DEPENDENT, TIMEOUT_KEPT } from './internal/rules.js';
import type { PermissionBits } from './permission-bits.js';
import type { BasePermissionsOptions } from './resolve.js';
import {
  OverwriteType,
  type PermissionChannel,
  type PermissionGuild,
  type PermissionMember,
} from './shapes.js';

/**
 * A channel (or a thread with its parent) compiled against one {@link CompiledGuild}: its
 * overwrites pre-resolved to role indexes. Create it with {@link CompiledGuild.compileChannel};
 * it is valid until the guild's roles, the channel's overwrites or a thread's parent change.
 */
export interface CompiledChannel {
  /** The channel's id. */
  readonly id: string;
}

const ADMIN_LO = lowHalf(PermissionFlags.ADMINISTRATOR);
const VIEW_LO = lowHalf(PermissionFlags.VIEW_CHANNEL);
const SEND_LO = lowHalf(PermissionFlags.SEND_MESSAGES);
const SEND_THREADS_HI = highHalf(PermissionFlags.SEND_MESSAGES_IN_THREADS);
const CONNECT_LO = lowHalf(PermissionFlags.CONNECT);
const SEND_DEPENDENT_LO = lowHalf(SEND_DEPENDENT);
const CONNECT_DEPENDENT_LO = lowHalf(CONNECT_DEPENDENT);
const CONNECT_DEPENDENT_HI = highHalf(CONNECT_DEPENDENT);
const TIMEOUT_KEPT_LO = lowHalf(TIMEOUT_KEPT);
const TIMEOUT_KEPT_HI = highHalf(TIMEOUT_KEPT);
const ALL_LO = lowHalf(ALL_PERMISSIONS);
const ALL_HI = highHalf(ALL_PERMISSIONS);

function quad(allow: bigint, deny: bigint, what: string): Int32Array {
  checkRange(allow, `${what} allow`);
  checkRange(deny, `${what} deny`);
  return Int32Array.of(lowHalf(allow), highHalf(allow), lowHalf(deny), highHalf(deny));
}

/** The last UTF-16 code unit of `id`, 0 for the empty string. */
function lastCharCode(id: string): number {
  return id.charCodeAt(id.length - 1) | 0;
}

function flatten(quads: readonly Int32Array[]): Int32Array {
  const flat = new Int32Array(quads.length * 4);
  quads.forEach((bits, i) => {
    flat.set(bits, i * 4);
  });
  return flat;
}

/**
 * A guild pre-indexed for the hot loop: role ids map to indexes, role permissions live as
 * 32-bit halves in a typed array, and resolution does no BigInt and one string-keyed lookup
 * per member role (plus one for the member overwrite when the channel has any).
 * Results equal {@link computeChannelPermissions}. Recompile after any guild change
 * (or use {@link PermissionCache}, which tracks changes).
 */
export class CompiledGuild {
  readonly #id: string;
  readonly #ownerId: string;
  /** The owner id's last character code: a cheap pre-check before comparing whole ids. */
  readonly #ownerLast: number;
  /**
   * Role id -> role index. A null-prototype dictionary object rather than a Map: V8 keys it
   * by internalized string, which measured ~20% faster than `Map#get` for fresh id strings.
   */
  readonly #roleIndex: Record<string, number> = Object.create(null) as Record<string, number>;
  readonly #roleCount: number;
  /** Role permissions by role index, two int32 per role: lo, hi. */
  readonly #rolePermissions: Int32Array;
  readonly #everyoneLo: number;
  readonly #everyoneHi: number;
  readonly #interner = new BigIntInterner();
  /** The high half of the last {@link CompiledGuild.#resolve} (resolution is synchronous). */
  #hi = 0;

  /**
   * @param guild - the guild to compile.
   * @throws PermissionsError as {@link compileGuild}.
   * @internal Use {@link compileGuild}.
   */
  constructor(guild: PermissionGuild) {
    const index = indexGuild(guild);
    this.#id = guild.id;
    this.#ownerId = guild.ownerId;
    this.#ownerLast = lastCharCode(guild.ownerId);
    const others = guild.roles.filter((role) => role.id !== guild.id);
    this.#roleCount = others.length;
    this.#rolePermissions = new Int32Array(others.length * 2);
    others.forEach((role, i) => {
      checkRange(role.permissions, `role ${role.id} permissions`);
      this.#roleIndex[role.id] = i;
      this.#rolePermissions[i * 2] = lowHalf(role.permissions);
      this.#rolePermissions[i * 2 + 1] = highHalf(role.permissions);
    });
    checkRange(index.everyone.permissions, '@everyone permissions');
    this.#everyoneLo = lowHalf(index.everyone.permissions);
    this.#everyoneHi = highHalf(index.everyone.permissions);
  }

  /**
   * Compiles one channel of this guild. A thread is compiled on its parent's overwrites.
   *
   * @param channel - a channel of this guild.
   * @param parent - the thread's parent; required for threads, ignored otherwise.
   * @returns the compiled channel.
   * @throws PermissionsError `GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH`,
   * `GK_PERMISSIONS_MISSING_PARENT`, `GK_PERMISSIONS_DUPLICATE_OVERWRITE`,
   * `GK_PERMISSIONS_INVALID_BITFIELD` (an allow or deny outside `0 ..= 2^64 - 1`).
   * @example
   * ```ts
   * const general = compiled.compileChannel(generalChannel);
   * const thread = compiled.compileChannel(threadChannel, generalChannel);
   * ```
   */
  compileChannel(channel: PermissionChannel, parent?: PermissionChannel): CompiledChannel {
    const source = overwriteSource(this.#id, channel, parent);
    let everyone: Int32Array = new Int32Array(4);
    const roleBits = new Int32Array(this.#roleCount * 4);
    const memberIds: string[] = [];
    const memberQuads: Int32Array[] = [];
    for (const overwrite of source.overwrites) {
      const bits = quad(overwrite.allow, overwrite.deny, `overwrite ${overwrite.id}`);
      if (overwrite.type === OverwriteType.Member) {
        memberIds.push(overwrite.id);
        memberQuads.push(bits);
      } else if (overwrite.type === OverwriteType.Role) {
        const index = this.#roleIndex[overwrite.id];
        if (overwrite.id === this.#id) everyone = bits;
        else if (index !== undefined) roleBits.set(bits, index * 4);
      }
    }
    return new ChannelData(
      this,
      channel.id,
      source.kind,
      everyone,
      roleBits,
      memberIds,
      flatten(memberQuads),
    );
  }

  /**
   * Resolves a member's permissions in a compiled channel as two 32-bit halves, without BigInt.
   *
   * @param member - the member (its role ids as strings, as Discord sends them).
   * @param channel - a channel compiled by this guild.
   * @param options - the current time, for timeouts. @defaultValue `Date.now()`, read only
   * when the member has a timeout
   * @returns the permission set as {@link PermissionBits}.
   * @throws PermissionsError `GK_PERMISSIONS_FOREIGN_COMPILED_CHANNEL` when `channel` was
   * compiled by another {@link CompiledGuild}.
   * @example
   * ```ts
   * const SEND = toPermissionBits(PermissionFlags.SEND_MESSAGES);
   * hasPermissionBits(compiled.resolveBits(member, general), SEND);
   * ```
   */
  resolveBits(
    member: PermissionMember,
    channel: CompiledChannel,
    options?: BasePermissionsOptions,
  ): PermissionBits {
    const lo = this.#resolve(member, channel, options);
    return { lo, hi: this.#hi };
  }

  /**
   * Resolves a member's permissions in a compiled channel as a bigint; equals
   * {@link computeChannelPermissions} on the same guild, member and channel.
   *
   * @param member - the member (its role ids as strings, as Discord sends them).
   * @param channel - a channel compiled by this guild.
   * @param options - the current time, for timeouts. @defaultValue `Date.now()`, read only
   * when the member has a timeout
   * @returns the permission set.
   * @throws PermissionsError `GK_PERMISSIONS_FOREIGN_COMPILED_CHANNEL`.
   * @example
   * ```ts
   * const perms = compiled.permissionsFor(member, general);
   * ```
   */
  permissionsFor(
    member: PermissionMember,
    channel: CompiledChannel,
    options?: BasePermissionsOptions,
  ): bigint {
    const lo = this.#resolve(member, channel, options);
    return this.#interner.get(lo, this.#hi);
  }

  /** Returns the low half and leaves the high half in `#hi`, so neither caller allocates twice. */
  #resolve(
    member: PermissionMember,
    channel: CompiledChannel,
    options: BasePermissionsOptions | undefined,
  ): number {
    const data = channel as ChannelData;
    // Anything not compiled by this guild (another guild's channel, a look-alike) has another owner.
    if (data.owner !== this) {
      throw new PermissionsError(
        PermissionsErrorCode.ForeignCompiledChannel,
        `channel ${channel.id} was compiled by another CompiledGuild`,
      );
    }
    const userId = member.userId;
    // Comparing two distinct equal-length id strings costs more than this pre-check.
    const userLast = lastCharCode(userId);
    if (userLast === this.#ownerLast && userId === this.#ownerId) {
      this.#hi = ALL_HI;
      return ALL_LO;
    }
    const roleIds = member.roleIds;
    const roleIndex = this.#roleIndex;
    const rolePermissions = this.#rolePermissions;
    const roleBits = data.roleBits;
    let lo = this.#everyoneLo;
    let hi = this.#everyoneHi;
    // Role overwrites are unioned in the same pass and applied after @everyone's below.
    let allowLo = 0;
    let allowHi = 0;
    let denyLo = 0;
    let denyHi = 0;
    for (let i = 0; i < roleIds.length; i++) {
      const index = roleIndex[roleIds[i]!];
      if (index === undefined) continue;
      lo |= rolePermissions[index * 2]!;
      hi |= rolePermissions[index * 2 + 1]!;
      // Dense (zeros for roles without an overwrite): no data-dependent branch to mispredict.
      const at = index * 4;
      allowLo |= roleBits[at]!;
      allowHi |= roleBits[at + 1]!;
      denyLo |= roleBits[at + 2]!;
      denyHi |= roleBits[at + 3]!;
    }
    if ((lo & ADMIN_LO) !== 0) {
      this.#hi = ALL_HI;
      return ALL_LO;
    }
    const everyone = data.everyone;
    lo = (((lo & ~everyone[2]!) | everyone[0]!) & ~denyLo) | allowLo;
    hi = (((hi & ~everyone[3]!) | everyone[1]!) & ~denyHi) | allowHi;
    const memberIds = data.memberIds;
    for (let i = 0; i < memberIds.length; i++) {
      const id = memberIds[i]!;
      if (lastCharCode(id) !== userLast || id !== userId) continue;
      const own = data.memberBits;
      lo = (lo & ~own[i * 4 + 2]!) | own[i * 4]!;
      hi = (hi & ~own[i * 4 + 3]!) | own[i * 4 + 1]!;
      break;
    }

    if ((lo & VIEW_LO) === 0) {
      this.#hi = 0;
      return 0;
    }
    const kind = data.kind;
    if (kind === ChannelKind.Thread) {
      if ((hi & SEND_THREADS_HI) === 0) lo &= ~SEND_DEPENDENT_LO;
    } else if (kind !== ChannelKind.Other) {
      if ((lo & SEND_LO) === 0) lo &= ~SEND_DEPENDENT_LO;
      if (kind === ChannelKind.TextAndVoice && (lo & CONNECT_LO) === 0) {
        lo &= ~CONNECT_DEPENDENT_LO;
        hi &= ~CONNECT_DEPENDENT_HI;
      }
    }
    const until = member.communicationDisabledUntil;
    if (until != null && until > (options?.now ?? SYSTEM_CLOCK.now())) {
      lo &= TIMEOUT_KEPT_LO;
      hi &= TIMEOUT_KEPT_HI;
    }
    this.#hi = hi;
    return lo;
  }
}

/**
 * Compiles a guild for the hot loop (see {@link CompiledGuild}).
 *
 * @param guild - the guild with all its roles, `@everyone` included.
 * @returns the compiled guild.
 * @throws PermissionsError `GK_PERMISSIONS_MISSING_EVERYONE_ROLE`,
 * `GK_PERMISSIONS_DUPLICATE_ROLE`, `GK_PERMISSIONS_INVALID_BITFIELD` (a role permission
 * outside `0 ..= 2^64 - 1`).
 * @example
 * ```ts
 * const compiled = compileGuild(guild);
 * const general = compiled.compileChannel(generalChannel);
 * for (const member of members) {
 *   if (hasPermission(compiled.permissionsFor(member, general), PermissionFlags.VIEW_CHANNEL)) notify(member);
 * }
 * ```
 */
export function compileGuild(guild: PermissionGuild): CompiledGuild {
  return new CompiledGuild(guild);
}
