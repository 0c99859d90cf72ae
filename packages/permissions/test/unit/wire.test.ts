import { MAX_PERMISSIONS, parsePermissions, serializePermissions } from '@guildkit/permissions';
import { describe, expect, it } from 'vitest';

const invalid = expect.objectContaining({
  code: 'GK_PERMISSIONS_INVALID_BITFIELD',
  name: 'PermissionsError',
});

describe('parsePermissions', () => {
  it('parses the decimal wire form', () => {
    expect(parsePermissions('0')).toBe(0n);
    expect(parsePermissions('2112')).toBe(2112n);
    expect(parsePermissions('66321471')).toBe(66321471n);
    expect(parsePermissions('18446744073709551615')).toBe(2n ** 64n - 1n);
  });

  it('accepts leading zeros', () => {
    expect(parsePermissions('0001024')).toBe(1024n);
    expect(parsePermissions(`${'0'.repeat(40)}1`)).toBe(1n);
  });

  it.each(['abc', '-1', '1.5', '', ' 1', '1 ', '0x10', '1e3', '+1', '１'])(
    'rejects %j',
    (input) => {
      expect(() => parsePermissions(input)).toThrow(invalid);
    },
  );

  it('rejects values above 2^64 - 1', () => {
    expect(() => parsePermissions('18446744073709551616')).toThrow(invalid);
    expect(() => parsePermissions('9'.repeat(1000))).toThrow(invalid);
  });

  it('rejects non-strings at runtime', () => {
    expect(() => parsePermissions(5 as unknown as string)).toThrow(invalid);
  });
});

describe('serializePermissions', () => {
  it('writes the canonical decimal form', () => {
    expect(serializePermissions(2112n)).toBe('2112');
    expect(serializePermissions(0n)).toBe('0');
    expect(serializePermissions(MAX_PERMISSIONS)).toBe('18446744073709551615');
  });

  it('rejects negative and oversized values', () => {
    expect(() => serializePermissions(-1n)).toThrow(invalid);
    expect(() => serializePermissions(2n ** 64n)).toThrow(invalid);
    expect(() => serializePermissions(1 as unknown as bigint)).toThrow(invalid);
  });
});
