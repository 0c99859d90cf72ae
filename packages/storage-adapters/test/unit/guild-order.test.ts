import { fc, test } from '@fast-check/vitest';
import type { ChannelRecord, GuildChannelType, RoleRecord } from '@guildkit/storage-adapters';
import { describe, expect, it } from 'vitest';
import {
  compareIds,
  sortChannelsForDisplay,
  sortRolesHighestFirst,
} from '../../src/internal/guild-order.js';

const snowflake = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((id) => id.toString());
const VOICE = new Set<number>([2, 13]);

function channel(
  id: string,
  type: GuildChannelType,
  position: number,
  parentId: string | null,
): ChannelRecord {
  return {
    id,
    guildId: '1',
    type,
    name: id,
    position,
    parentId,
    topic: null,
    nsfw: false,
    rateLimitPerUser: 0,
    permissionOverwrites: [],
  };
}

const guildChannels = fc
  .uniqueArray(
    fc.record({
      id: snowflake,
      category: fc.boolean(),
      type: fc.constantFrom<GuildChannelType>(0, 2, 5, 13, 15, 16),
      position: fc.integer({ min: 0, max: 3 }),
      parentIndex: fc.nat(),
    }),
    { selector: (entry) => entry.id, maxLength: 25 },
  )
  .map((entries) => {
    const categories = entries.filter((entry) => entry.category).map((entry) => entry.id);
    return entries.map((entry) =>
      entry.category
        ? channel(entry.id, 4, entry.position, null)
        : channel(
            entry.id,
            entry.type,
            entry.position,
            categories.length === 0 || entry.parentIndex % 3 === 0
              ? null
              : (categories[entry.parentIndex % categories.length] ?? null),
          ),
    );
  });

function siblingsInOrder(group: readonly ChannelRecord[]): boolean {
  return group.every((current, index) => {
    const previous = group[index - 1];
    if (previous === undefined) return true;
    const key = (c: ChannelRecord) => [Number(VOICE.has(c.type)), c.position] as const;
    const [pv, pp] = key(previous);
    const [cv, cp] = key(current);
    if (pv !== cv) return pv < cv;
    if (pp !== cp) return pp < cp;
    return compareIds(previous.id, current.id) < 0;
  });
}

describe('compareIds', () => {
  test.prop([snowflake, snowflake])('orders canonical ids as their numbers', (a, b) => {
    const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    expect(Math.sign(compareIds(a, b))).toBe(expected);
  });
});

describe('sortChannelsForDisplay', () => {
  test.prop([guildChannels])('is a permutation grouped as Discord shows channels', (channels) => {
    const sorted = sortChannelsForDisplay(channels);
    expect([...sorted].sort((a, b) => compareIds(a.id, b.id))).toEqual(
      [...channels].sort((a, b) => compareIds(a.id, b.id)),
    );
    const firstCategory = sorted.findIndex((c) => c.type === 4);
    const loose = firstCategory === -1 ? sorted : sorted.slice(0, firstCategory);
    expect(loose.every((c) => c.type !== 4 && c.parentId === null)).toBe(true);
    expect(siblingsInOrder(loose)).toBe(true);
    const categories = sorted.filter((c) => c.type === 4);
    expect(siblingsInOrder(categories)).toBe(true);
    for (const category of categories) {
      const start = sorted.indexOf(category) + 1;
      const next = sorted.findIndex((c, index) => index >= start && c.type === 4);
      const children = sorted.slice(start, next === -1 ? undefined : next);
      expect(children.every((c) => c.parentId === category.id)).toBe(true);
      expect(siblingsInOrder(children)).toBe(true);
    }
  });

  it('puts text channels before voice channels of the same category', () => {
    const sorted = sortChannelsForDisplay([
      channel('3', 2, 0, '1'),
      channel('2', 0, 9, '1'),
      channel('1', 4, 0, null),
    ]);
    expect(sorted.map((c) => c.id)).toEqual(['1', '2', '3']);
  });
});

describe('sortRolesHighestFirst', () => {
  const roles = fc.uniqueArray(
    fc.record({ id: snowflake, position: fc.integer({ min: 0, max: 4 }) }),
    { selector: (role) => role.id, maxLength: 30 },
  );

  test.prop([roles])('puts greater positions first, then lower ids', (entries) => {
    const sorted = sortRolesHighestFirst(
      entries.map(
        (entry): RoleRecord => ({
          ...entry,
          guildId: '1',
          name: entry.id,
          permissions: 0n,
          hoist: false,
          color: 0,
          mentionable: false,
          managed: false,
        }),
      ),
    );
    expect(sorted).toHaveLength(entries.length);
    for (let index = 1; index < sorted.length; index++) {
      const higher = sorted[index - 1]!;
      const lower = sorted[index]!;
      expect(
        higher.position > lower.position ||
          (higher.position === lower.position && BigInt(higher.id) < BigInt(lower.id)),
      ).toBe(true);
    }
  });
});
