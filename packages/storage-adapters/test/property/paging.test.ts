import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { selectPage } from '../../src/internal/paging.js';
import type { CheckedListQuery } from '../../src/internal/validate.js';

/** The page as the spec words it: filter, sort, slice. No binary search, no index arithmetic. */
function naivePage(ids: readonly bigint[], query: CheckedListQuery): bigint[] {
  const newestFirst = (a: bigint, b: bigint) => (a < b ? 1 : a > b ? -1 : 0);
  const oldestFirst = (a: bigint, b: bigint) => -newestFirst(a, b);
  const { anchor, limit } = query;
  switch (query.kind) {
    case 'latest':
      return [...ids].sort(newestFirst).slice(0, limit);
    case 'before':
      return ids
        .filter((id) => id < anchor)
        .sort(newestFirst)
        .slice(0, limit);
    case 'after':
      return ids
        .filter((id) => id > anchor)
        .sort(oldestFirst)
        .slice(0, limit);
    case 'around': {
      const newerCount = Math.floor(limit / 2);
      const newer = ids
        .filter((id) => id > anchor)
        .sort(oldestFirst)
        .slice(0, newerCount);
      const older = ids
        .filter((id) => id <= anchor)
        .sort(newestFirst)
        .slice(0, limit - newerCount);
      return [...newer.reverse(), ...older];
    }
  }
}

const ascending = (ids: readonly bigint[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const query = fc.record({
  kind: fc.constantFrom('latest', 'before', 'after', 'around'),
  anchor: fc.bigInt({ min: 0n, max: 130n }),
  limit: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 100 })),
}) as fc.Arbitrary<CheckedListQuery>;

describe('selectPage', () => {
  test.prop([fc.uniqueArray(fc.bigInt({ min: 1n, max: 128n }), { maxLength: 120 }), query], {
    numRuns: 2000,
  })('selects what filter + sort + slice selects, for every kind, anchor and limit', (ids, q) => {
    const checked = q.kind === 'latest' ? { ...q, anchor: 0n } : q;
    expect(selectPage(ascending(ids), checked)).toEqual(naivePage(ids, checked));
  });

  test.prop([
    fc.uniqueArray(fc.bigInt({ min: (1n << 63n) - 50n, max: (1n << 64n) - 1n }), {
      maxLength: 60,
    }),
    fc.bigInt({ min: (1n << 63n) - 60n, max: (1n << 64n) - 1n }),
    fc.constantFrom('before', 'after', 'around') as fc.Arbitrary<'before' | 'after' | 'around'>,
    fc.integer({ min: 1, max: 100 }),
  ])('pages 64-bit ids near 2^64 exactly', (ids, anchor, kind, limit) => {
    const q: CheckedListQuery = { kind, anchor, limit };
    expect(selectPage(ascending(ids), q)).toEqual(naivePage(ids, q));
  });

  it('returns newest first for around, with the anchor and floor(limit/2) newer ones', () => {
    const ids = [10n, 20n, 30n, 40n, 50n, 60n, 70n];
    expect(selectPage(ids, { kind: 'around', anchor: 40n, limit: 5 })).toEqual([
      60n,
      50n,
      40n,
      30n,
      20n,
    ]);
    expect(selectPage(ids, { kind: 'around', anchor: 45n, limit: 4 })).toEqual([
      60n,
      50n,
      40n,
      30n,
    ]);
    expect(selectPage(ids, { kind: 'around', anchor: 70n, limit: 4 })).toEqual([70n, 60n]);
  });

  it('reads from the beginning with after 0 and returns nothing before 0', () => {
    const ids = [10n, 20n, 30n];
    expect(selectPage(ids, { kind: 'after', anchor: 0n, limit: 2 })).toEqual([10n, 20n]);
    expect(selectPage(ids, { kind: 'before', anchor: 0n, limit: 2 })).toEqual([]);
    expect(selectPage([], { kind: 'latest', anchor: 0n, limit: 50 })).toEqual([]);
  });
});
