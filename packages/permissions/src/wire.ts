import { PermissionsError, PermissionsErrorCode } from './errors.js';

/** The largest value the wire form carries: Discord permissions fit in an unsigned 64-bit integer. */
export const MAX_PERMISSIONS = (1n << 64n) - 1n;

const DIGITS = /^[0-9]+$/;
/** `2^64 - 1` has 20 decimal digits; longer inputs are rejected before BigInt parses them. */
const MAX_DIGITS = 20;

/**
 * Parses the decimal-string wire form of a permission set (`"2112"`), as Discord sends
 * `permissions`, `allow` and `deny` since API v8.
 *
 * @param wire - ASCII decimal digits; leading zeros are accepted, nothing else is.
 * @returns the permission set.
 * @throws PermissionsError `GK_PERMISSIONS_INVALID_BITFIELD` when `wire` is not a string of
 * digits (`'abc'`, `'-1'`, `'1.5'`, `''`, `' 1'`) or its value exceeds `2^64 - 1`.
 * @example
 * ```ts
 * parsePermissions('2112'); // 2112n (ADD_REACTIONS | SEND_MESSAGES)
 * ```
 */
export function parsePermissions(wire: string): bigint {
  if (typeof wire !== 'string' || !DIGITS.test(wire)) {
    throw new PermissionsError(
      PermissionsErrorCode.InvalidBitfield,
      `permissions must be a string of decimal digits, got ${JSON.stringify(String(wire)).slice(0, 40)}`,
    );
  }
  const significant = wire.replace(/^0+(?=.)/, '');
  const value = significant.length <= MAX_DIGITS ? BigInt(significant) : undefined;
  if (value === undefined || value > MAX_PERMISSIONS) {
    throw new PermissionsError(
      PermissionsErrorCode.InvalidBitfield,
      `permissions ${significant.slice(0, 30)} exceed 2^64 - 1`,
    );
  }
  return value;
}

/**
 * Serializes a permission set to Discord's decimal-string wire form.
 *
 * @param permissions - a permission set in `0 ..= 2^64 - 1`.
 * @returns its canonical decimal string (no leading zeros).
 * @throws PermissionsError `GK_PERMISSIONS_INVALID_BITFIELD` when `permissions` is not a
 * bigint in range.
 * @example
 * ```ts
 * serializePermissions(PermissionFlags.VIEW_CHANNEL); // '1024'
 * ```
 */
export function serializePermissions(permissions: bigint): string {
  if (typeof permissions !== 'bigint' || permissions < 0n || permissions > MAX_PERMISSIONS) {
    throw new PermissionsError(
      PermissionsErrorCode.InvalidBitfield,
      `permissions must be a bigint in 0..2^64-1, got ${String(permissions).slice(0, 40)}`,
    );
  }
  return permissions.toString();
}
