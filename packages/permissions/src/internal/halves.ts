import { PermissionsError, PermissionsErrorCode } from '../errors.js';
import { MAX_PERMISSIONS } from '../wire.js';

const LOW_MASK = 0xffff_ffffn;
const TWO_POW_32 = 4_294_967_296;
/** Below this high half, `hi * 2^32 + lo` is under 2^53 and converts to BigInt exactly. */
const EXACT_HIGH_LIMIT = 0x20_0000;

export function checkRange(value: bigint, what: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_PERMISSIONS) {
    throw new PermissionsError(
      PermissionsErrorCode.InvalidBitfield,
      `${what} must be a bigint in 0..2^64-1, got ${String(value)}`,
    );
  }
  return value;
}

/** The low 32 bits as an int32 (what JS bitwise operators work on). */
export function lowHalf(value: bigint): number {
  return Number(value & LOW_MASK) | 0;
}

/** Bits 32..63 as an int32. */
export function highHalf(value: bigint): number {
  return Number((value >> 32n) & LOW_MASK) | 0;
}

/** Joins two int32 halves into a bigint with one Number-to-BigInt conversion when exact. */
export function joinHalves(lo: number, hi: number): bigint {
  const high = hi >>> 0;
  const low = lo >>> 0;
  if (high < EXACT_HIGH_LIMIT) return BigInt(high * TWO_POW_32 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}
