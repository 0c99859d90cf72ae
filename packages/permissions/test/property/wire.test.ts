import { fc, test } from '@fast-check/vitest';
import {
  describePermissions,
  PermissionFlags,
  parsePermissions,
  serializePermissions,
} from '@guildkit/permissions';
import { describe, expect } from 'vitest';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('wire form', () => {
  test.prop([u64])('parse(serialize(x)) === x for every u64', (value) => {
    expect(parsePermissions(serializePermissions(value))).toBe(value);
  });

  test.prop([u64])('serialize is the plain decimal form', (value) => {
    expect(serializePermissions(value)).toBe(value.toString(10));
  });

  test.prop([fc.string()])('parse accepts exactly digit strings with a u64 value', (text) => {
    const valid = /^[0-9]+$/.test(text) && BigInt(text) <= (1n << 64n) - 1n;
    if (valid) expect(parsePermissions(text)).toBe(BigInt(text));
    else
      expect(() => parsePermissions(text)).toThrow(
        expect.objectContaining({ code: 'GK_PERMISSIONS_INVALID_BITFIELD' }),
      );
  });

  test.prop([u64])(
    'describePermissions names exactly the documented bits that are set',
    (value) => {
      const names = describePermissions(value);
      const rebuilt = names.reduce((all, name) => all | PermissionFlags[name], 0n);
      const documented = Object.values(PermissionFlags).reduce((all, bit) => all | bit, 0n);
      expect(rebuilt).toBe(value & documented);
      const bitsInOrder = names.map((name) => PermissionFlags[name]);
      expect(bitsInOrder).toEqual([...bitsInOrder].sort((a, b) => (a < b ? -1 : 1)));
    },
  );
});
