const TWO_POW_32 = 4_294_967_296;
const CHUNK = 10_000_000;

/** The two 32-bit halves of a 64-bit snowflake; reused as an out-parameter to avoid garbage. */
export interface SnowflakeHalves {
  hi: number;
  lo: number;
}

/**
 * Parses a canonical decimal snowflake (no sign, no leading zeros, below 2^64) into `out`
 * without BigInt: two 32-bit limbs, multiplied by ten digit by digit.
 *
 * @returns false when `id` is not such a string (then `out` is garbage).
 */
export function parseSnowflake(id: string, out: SnowflakeHalves): boolean {
  const length = id.length;
  if (length === 0 || length > 20 || (length > 1 && id.charCodeAt(0) === 48)) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    const low = lo * 10 + digit;
    const carry = Math.floor(low / TWO_POW_32);
    lo = low - carry * TWO_POW_32;
    hi = hi * 10 + carry;
    if (hi >= TWO_POW_32) return false;
  }
  out.hi = hi;
  out.lo = lo;
  return true;
}

/**
 * Formats two 32-bit halves as the decimal snowflake. Divides the 64-bit value by 10^7 in
 * 16-bit steps so every intermediate stays an exact double.
 */
export function formatSnowflake(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * TWO_POW_32 + lo);
  const q1 = Math.floor(hi / CHUNK);
  const t = (hi - q1 * CHUNK) * 65536 + (lo >>> 16);
  const q2 = Math.floor(t / CHUNK);
  const u = (t - q2 * CHUNK) * 65536 + (lo & 0xffff);
  const q3 = Math.floor(u / CHUNK);
  const remainder = u - q3 * CHUNK;
  const quotient = q1 * TWO_POW_32 + q2 * 65536 + q3;
  return `${quotient}${String(remainder).padStart(7, '0')}`;
}
