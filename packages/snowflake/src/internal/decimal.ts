import { SnowflakeError, SnowflakeErrorCode } from '../errors.js';

/** A 64-bit unsigned value as two exact 32-bit halves: value = hi * 2^32 + lo. */
export interface Halves {
  hi: number;
  lo: number;
}

const TWO_POW_32 = 4294967296;
const MILLION = 1000000;
const MAX_DIGITS = 20;
const MAX_UINT64_DECIMAL = '18446744073709551615';

function describe(input: string): string {
  return input.length > 32 ? `${JSON.stringify(input.slice(0, 32))}…` : JSON.stringify(input);
}

function malformed(input: string): SnowflakeError {
  return new SnowflakeError(
    SnowflakeErrorCode.MalformedId,
    `${describe(input)} is not a snowflake: expected a decimal string of digits without sign, spaces or leading zeros`,
  );
}

function outOfRange(input: string): SnowflakeError {
  return new SnowflakeError(
    SnowflakeErrorCode.IdOutOfRange,
    `${describe(input)} does not fit in 64 unsigned bits`,
  );
}

function isDigits(input: string): boolean {
  for (let i = 0; i < input.length; i++) {
    const digit = input.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  return input.length > 0;
}

function rejection(input: string): SnowflakeError {
  if (!isDigits(input) || (input.length > 1 && input.charCodeAt(0) === 48)) {
    return malformed(input);
  }
  return outOfRange(input);
}

/**
 * Parses a canonical decimal string (digits only, no leading zero unless it is `"0"`) into
 * `out` without BigInt.
 *
 * The leading digits (at most 14, so below 2^47) and the last six digits are read as exact
 * doubles; `leading * 10^6 + last` is then carried into two 32-bit halves, every intermediate
 * staying below 2^53.
 *
 * @param input - the string to parse.
 * @param out - receives the halves.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE`.
 */
export function parseDecimal(input: string, out: Halves): void {
  const length = input.length;
  if (length === 0 || length > MAX_DIGITS) throw rejection(input);
  if (length > 1 && input.charCodeAt(0) === 48) throw malformed(input);
  const split = length > 6 ? length - 6 : 0;
  let leading = 0;
  for (let i = 0; i < split; i++) {
    const digit = input.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) throw malformed(input);
    leading = leading * 10 + digit;
  }
  let last = 0;
  for (let i = split; i < length; i++) {
    const digit = input.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) throw malformed(input);
    last = last * 10 + digit;
  }
  const leadingHi = Math.floor(leading / TWO_POW_32);
  const low = (leading - leadingHi * TWO_POW_32) * MILLION + last;
  const carry = Math.floor(low / TWO_POW_32);
  const hi = leadingHi * MILLION + carry;
  if (hi >= TWO_POW_32) throw outOfRange(input);
  out.hi = hi;
  out.lo = low - carry * TWO_POW_32;
}

/**
 * Whether `input` is a canonical decimal string of a value below 2^64 (the strings
 * {@link parseDecimal} accepts).
 *
 * @param input - the string to check.
 * @returns `true` when it is canonical and in range.
 */
export function isCanonicalDecimal(input: string): boolean {
  const length = input.length;
  if (length === 0 || length > MAX_DIGITS) return false;
  if (length > 1 && input.charCodeAt(0) === 48) return false;
  for (let i = 0; i < length; i++) {
    const digit = input.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  return length < MAX_DIGITS || input <= MAX_UINT64_DECIMAL;
}

/**
 * Throws the error {@link parseDecimal} would throw for a string that
 * {@link isCanonicalDecimal} rejected.
 *
 * @param input - the rejected string.
 * @returns never.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE`.
 */
export function rejectDecimal(input: string): never {
  throw rejection(input);
}

/** A 64-bit value split at 10^6: value = quotient * 10^6 + remainder, both exact doubles. */
export interface MillionSplit {
  quotient: number;
  remainder: number;
}

/**
 * Divides `hi * 2^32 + lo` by 10^6 with exact double arithmetic (schoolbook division in two
 * steps, each dividend below 2^53).
 *
 * @param hi - the high 32 bits.
 * @param lo - the low 32 bits.
 * @param out - receives quotient and remainder.
 */
export function splitAtMillion(hi: number, lo: number, out: MillionSplit): void {
  const quotientHi = Math.floor(hi / MILLION);
  const dividend = (hi - quotientHi * MILLION) * TWO_POW_32 + lo;
  let quotientLo = Math.floor(dividend / MILLION);
  let remainder = dividend - quotientLo * MILLION;
  if (remainder < 0) {
    quotientLo -= 1;
    remainder += MILLION;
  } else if (remainder >= MILLION) {
    quotientLo += 1;
    remainder -= MILLION;
  }
  out.quotient = quotientHi * TWO_POW_32 + quotientLo;
  out.remainder = remainder;
}

/**
 * Formats a number in 0..999999 with leading zeros to exactly six digits.
 *
 * @param value - the number.
 * @returns six decimal digits.
 */
export function sixDigits(value: number): string {
  if (value >= 100000) return `${value}`;
  if (value >= 10000) return `0${value}`;
  if (value >= 1000) return `00${value}`;
  if (value >= 100) return `000${value}`;
  if (value >= 10) return `0000${value}`;
  return `00000${value}`;
}

const scratch: MillionSplit = { quotient: 0, remainder: 0 };

/**
 * Formats `hi * 2^32 + lo` as a canonical decimal string without BigInt.
 *
 * @param hi - the high 32 bits.
 * @param lo - the low 32 bits.
 * @returns the decimal string.
 */
export function formatDecimal(hi: number, lo: number): string {
  splitAtMillion(hi, lo, scratch);
  if (scratch.quotient === 0) return `${scratch.remainder}`;
  return `${scratch.quotient}${sixDigits(scratch.remainder)}`;
}
