import { checkRange, highHalf, joinHalves, lowHalf } from './internal/halves.js';

/**
 * A permission set as two 32-bit halves, the form the compiled path computes in.
 *
 * ```
 *  bigint bit  63 ........ 32 | 31 ......... 0
 *              [    hi      ] | [     lo     ]   each an int32, as JS bitwise operators yield
 * ```
 */
export interface PermissionBits {
  /** Bits 0..31. */
  readonly lo: number;
  /** Bits 32..63. */
  readonly hi: number;
}

/**
 * Splits a permission set (or a flag to test) into {@link PermissionBits}.
 *
 * @param permissions - a permission set in `0 ..= 2^64 - 1`.
 * @returns its two halves.
 * @throws PermissionsError `GK_PERMISSIONS_INVALID_BITFIELD` when out of range.
 * @example
 * ```ts
 * const SEND = toPermissionBits(PermissionFlags.SEND_MESSAGES); // once, outside the loop
 * ```
 */
export function toPermissionBits(permissions: bigint): PermissionBits {
  checkRange(permissions, 'permissions');
  return { lo: lowHalf(permissions), hi: highHalf(permissions) };
}

/**
 * Joins {@link PermissionBits} back into a bigint.
 *
 * @param bits - two halves.
 * @returns the permission set.
 * @example
 * ```ts
 * fromPermissionBits(compiled.resolveBits(member, channel)) === compiled.permissionsFor(member, channel);
 * ```
 */
export function fromPermissionBits(bits: PermissionBits): bigint {
  return joinHalves(bits.lo, bits.hi);
}

/**
 * Whether `bits` holds every bit of `flag`, without BigInt.
 *
 * @param bits - a resolved permission set.
 * @param flag - the flag(s) to test, pre-split with {@link toPermissionBits}.
 * @returns `true` when every bit of `flag` is set.
 * @example
 * ```ts
 * hasPermissionBits(compiled.resolveBits(member, channel), SEND);
 * ```
 */
export function hasPermissionBits(bits: PermissionBits, flag: PermissionBits): boolean {
  return (bits.lo & flag.lo) === flag.lo && (bits.hi & flag.hi) === flag.hi;
}
