import {
  ALL_PERMISSIONS,
  describePermissions,
  hasPermission,
  type PermissionFlagName,
  PermissionFlags,
} from '@guildkit/permissions';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';

const normalize = (name: string): string => name.replaceAll('_', '').toUpperCase();

describe('PermissionFlags', () => {
  it('matches discord-api-types PermissionFlagsBits name by name', () => {
    const ours = new Map(
      Object.entries(PermissionFlags).map(([name, bit]) => [normalize(name), bit]),
    );
    for (const [name, bit] of Object.entries(PermissionFlagsBits)) {
      // discord-api-types keeps the deprecated alias of bit 30 beside its current name.
      const key = name === 'ManageEmojisAndStickers' ? 'MANAGEGUILDEXPRESSIONS' : normalize(name);
      expect(ours.get(key), name).toBe(bit);
    }
    const theirs = new Set(Object.keys(PermissionFlagsBits).map(normalize));
    for (const name of Object.keys(PermissionFlags))
      expect(theirs.has(normalize(name)), name).toBe(true);
  });

  it('has the bit numbers Discord documents', () => {
    expect(PermissionFlags.CREATE_INSTANT_INVITE).toBe(0x1n);
    expect(PermissionFlags.ADMINISTRATOR).toBe(0x8n);
    expect(PermissionFlags.VIEW_CHANNEL).toBe(0x400n);
    expect(PermissionFlags.SEND_MESSAGES).toBe(0x800n);
    expect(PermissionFlags.USE_APPLICATION_COMMANDS).toBe(0x80000000n);
    expect(PermissionFlags.MODERATE_MEMBERS).toBe(0x10000000000n);
    expect(PermissionFlags.SET_VOICE_CHANNEL_STATUS).toBe(0x1000000000000n);
    expect(PermissionFlags.PIN_MESSAGES).toBe(0x8000000000000n);
    expect(PermissionFlags.BYPASS_SLOWMODE).toBe(0x10000000000000n);
  });

  it('has 52 flags: bits 0 to 52 except the unassigned bit 47', () => {
    const bits = Object.values(PermissionFlags);
    expect(bits).toHaveLength(52);
    expect(new Set(bits).size).toBe(52);
    expect(bits).not.toContain(1n << 47n);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(PermissionFlags)).toBe(true);
  });
});

describe('ALL_PERMISSIONS', () => {
  it('is every documented bit: 0x1f7fffffffffff', () => {
    let expected = 0n;
    for (let bit = 0n; bit <= 52n; bit++) if (bit !== 47n) expected |= 1n << bit;
    expect(ALL_PERMISSIONS).toBe(expected);
    expect(ALL_PERMISSIONS).toBe(0x1f7fffffffffffn);
  });
});

describe('hasPermission', () => {
  it('requires every bit of a combined flag', () => {
    const perms = PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES;
    expect(hasPermission(perms, PermissionFlags.VIEW_CHANNEL)).toBe(true);
    expect(hasPermission(perms, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES)).toBe(
      true,
    );
    expect(hasPermission(perms, PermissionFlags.VIEW_CHANNEL | PermissionFlags.ATTACH_FILES)).toBe(
      false,
    );
  });
});

describe('describePermissions', () => {
  it('names the flags in bit order', () => {
    expect(describePermissions(2112n)).toEqual<PermissionFlagName[]>([
      'ADD_REACTIONS',
      'SEND_MESSAGES',
    ]);
    expect(describePermissions(PermissionFlags.BYPASS_SLOWMODE | 1n)).toEqual([
      'CREATE_INSTANT_INVITE',
      'BYPASS_SLOWMODE',
    ]);
  });

  it('names nothing for 0n and skips undocumented bits', () => {
    expect(describePermissions(0n)).toEqual([]);
    expect(describePermissions((1n << 47n) | (1n << 60n))).toEqual([]);
  });

  it('names bit 30 by its current name', () => {
    expect(describePermissions(1n << 30n)).toEqual(['MANAGE_GUILD_EXPRESSIONS']);
  });
});
