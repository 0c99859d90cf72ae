import { describe, expect, it } from 'vitest';
import { MemberListError } from '../../src/errors.js';
import { OrderIndex } from '../../src/order-index.js';

/** Slots ordered by a mutable key, ties broken by slot. */
function keyed(keys: number[]): (a: number, b: number) => number {
  return (a, b) => keys[a]! - keys[b]! || a - b;
}

const byValue = (a: number, b: number) => a - b;
const SMALL = { leafCapacity: 4, branchCapacity: 4 } as const;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function expectInvalid(run: () => unknown, code: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MemberListError);
  expect((caught as MemberListError).code).toBe(code);
}

describe('OrderIndex on an empty index', () => {
  it('has size 0, answers -1 and slices nothing', () => {
    const index = new OrderIndex(byValue);
    expect(index.size).toBe(0);
    expect(index.rankOf(0)).toBe(-1);
    expect(index.at(0)).toBe(-1);
    expect(index.slice(0, 10)).toEqual([]);
    expect(index.remove(3)).toBe(false);
    expect(index.checkInvariants()).toEqual([]);
  });
});

describe('OrderIndex with one slot', () => {
  it('finds it at rank 0 and is empty again after removing it', () => {
    const index = new OrderIndex(byValue);
    index.insert(42);
    expect(index.size).toBe(1);
    expect(index.rankOf(42)).toBe(0);
    expect(index.at(0)).toBe(42);
    expect(index.at(1)).toBe(-1);
    expect(index.slice(-5, 5)).toEqual([42]);
    expect(index.remove(42)).toBe(true);
    expect(index.remove(42)).toBe(false);
    expect(index.size).toBe(0);
    expect(index.rankOf(42)).toBe(-1);
  });
});

describe('OrderIndex splits and merges', () => {
  it('keeps order through the first leaf split (capacity 4, fifth insert)', () => {
    const index = new OrderIndex(byValue, SMALL);
    for (const slot of [30, 10, 50, 20]) index.insert(slot);
    expect(index.checkInvariants()).toEqual([]);
    index.insert(40);
    expect(index.slice(0, 5)).toEqual([10, 20, 30, 40, 50]);
    expect(index.rankOf(40)).toBe(3);
    expect(index.checkInvariants()).toEqual([]);
  });

  it('grows several levels with ascending, descending and alternating inserts', () => {
    for (const order of [
      range(0, 300),
      range(0, 300).reverse(),
      range(0, 300).map((i) => (i % 2 === 0 ? i : 300 - i)),
    ]) {
      const index = new OrderIndex(byValue, SMALL);
      for (const slot of order) index.insert(slot);
      expect(index.size).toBe(300);
      expect(index.slice(0, 300)).toEqual(range(0, 300));
      expect(index.checkInvariants()).toEqual([]);
    }
  });

  it('merges back down to a single leaf when slots leave from either end or the middle', () => {
    for (const removal of [
      range(0, 200),
      range(0, 200).reverse(),
      range(0, 200).map((i) => (i * 37) % 200),
    ]) {
      const index = new OrderIndex(byValue, SMALL);
      for (const slot of range(0, 200)) index.insert(slot);
      const left = new Set(range(0, 200));
      for (const slot of removal) {
        expect(index.remove(slot)).toBe(true);
        left.delete(slot);
        if (left.size % 17 === 0) {
          expect(index.checkInvariants()).toEqual([]);
          expect(index.slice(0, 200)).toEqual([...left].sort(byValue));
        }
      }
      expect(index.size).toBe(0);
      expect(index.checkInvariants()).toEqual([]);
    }
  });

  it('shrinks a bulk-loaded tree from either end, evening out full branches', () => {
    for (const removal of [range(0, 300).reverse(), range(0, 300)]) {
      const index = new OrderIndex(byValue, SMALL);
      index.loadSorted(range(0, 300));
      for (const [i, slot] of removal.entries()) {
        expect(index.remove(slot)).toBe(true);
        expect(index.checkInvariants()).toEqual([]);
        expect(index.size).toBe(299 - i);
      }
    }
  });

  it('evens out two leaves that cannot merge, in either direction', () => {
    const leafCapacity = 8;
    const towardRight = new OrderIndex(byValue, { leafCapacity, branchCapacity: 4 });
    towardRight.loadSorted(range(0, 10).map((i) => i * 2)); // leaves [0..8] [10..18]
    for (const slot of [1, 3, 5]) towardRight.insert(slot); // left leaf full
    for (const slot of [12, 14, 16, 18]) towardRight.remove(slot); // right leaf underflows
    expect(towardRight.slice(0, 20)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 10]);
    expect(towardRight.rankOf(10)).toBe(8);
    expect(towardRight.checkInvariants()).toEqual([]);

    const towardLeft = new OrderIndex(byValue, { leafCapacity, branchCapacity: 4 });
    towardLeft.loadSorted(range(0, 10).map((i) => i * 2));
    for (const slot of [11, 13, 15]) towardLeft.insert(slot); // right leaf full
    for (const slot of [0, 2, 4, 6]) towardLeft.remove(slot); // left leaf underflows
    expect(towardLeft.slice(0, 20)).toEqual([8, 10, 11, 12, 13, 14, 15, 16, 18]);
    expect(towardLeft.rankOf(8)).toBe(0);
    expect(towardLeft.checkInvariants()).toEqual([]);
  });

  it('inserts and removes around a full leaf without breaking counts', () => {
    const index = new OrderIndex(byValue, SMALL);
    index.loadSorted([10, 20, 30, 40]);
    index.insert(25);
    index.remove(25);
    index.insert(5);
    index.remove(40);
    index.insert(45);
    expect(index.slice(0, 10)).toEqual([5, 10, 20, 30, 45]);
    expect(index.rankOf(45)).toBe(4);
    expect(index.checkInvariants()).toEqual([]);
  });
});

describe('OrderIndex rank, at and slice at the edges', () => {
  const index = new OrderIndex(byValue, SMALL);
  index.loadSorted(range(0, 100).map((i) => i * 2));

  it('maps the first and last rank both ways', () => {
    expect(index.at(0)).toBe(0);
    expect(index.at(99)).toBe(198);
    expect(index.at(100)).toBe(-1);
    expect(index.at(-1)).toBe(-1);
    expect(index.rankOf(0)).toBe(0);
    expect(index.rankOf(198)).toBe(99);
    expect(index.rankOf(1)).toBe(-1);
    expect(index.rankOf(100_000)).toBe(-1);
  });

  it('clips slices to [0, size) and returns [] for empty or reversed ranges', () => {
    expect(index.slice(98, 200)).toEqual([196, 198]);
    expect(index.slice(-3, 2)).toEqual([0, 2]);
    expect(index.slice(50, 50)).toEqual([]);
    expect(index.slice(60, 40)).toEqual([]);
    expect(index.slice(100, 110)).toEqual([]);
    expect(index.slice(0, 100)).toEqual(range(0, 100).map((i) => i * 2));
  });
});

describe('OrderIndex.loadSorted', () => {
  it('replaces the content, then supports mutations', () => {
    const keys = range(0, 1000).map((i) => 1000 - i);
    const index = new OrderIndex(keyed(keys), SMALL);
    index.insert(7);
    index.loadSorted(range(0, 1000).reverse());
    expect(index.size).toBe(1000);
    expect(index.at(0)).toBe(999);
    expect(index.checkInvariants()).toEqual([]);
    expect(index.remove(500)).toBe(true);
    keys[500] = -1;
    index.insert(500);
    expect(index.at(0)).toBe(500);
    expect(index.rankOf(999)).toBe(1);
    expect(index.checkInvariants()).toEqual([]);
  });

  it('loads an empty input and a single leaf worth of input', () => {
    const index = new OrderIndex(byValue);
    index.loadSorted([1, 2, 3]);
    expect(index.slice(0, 3)).toEqual([1, 2, 3]);
    index.loadSorted([]);
    expect(index.size).toBe(0);
    expect(index.rankOf(1)).toBe(-1);
    expect(index.checkInvariants()).toEqual([]);
  });

  it('takes typed arrays', () => {
    const index = new OrderIndex(byValue);
    index.loadSorted(Int32Array.from(range(0, 5000)));
    expect(index.at(4321)).toBe(4321);
    expect(index.checkInvariants()).toEqual([]);
  });
});

describe('OrderIndex with a key that changes between remove and insert', () => {
  it('moves the slot to its new rank', () => {
    const keys = [5, 1, 9, 3];
    const index = new OrderIndex(keyed(keys));
    index.loadSorted([1, 3, 0, 2]);
    expect(index.remove(2)).toBe(true);
    keys[2] = 0;
    index.insert(2);
    expect(index.slice(0, 4)).toEqual([2, 1, 3, 0]);
    expect(index.rankOf(0)).toBe(3);
  });
});

describe('OrderIndex rejects bad arguments', () => {
  it('throws GK_MEMBER_LIST_INVALID_ARGUMENT for slots that are not non-negative int32s', () => {
    const index = new OrderIndex(byValue);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 31, Number.POSITIVE_INFINITY]) {
      expectInvalid(() => index.insert(bad), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
      expectInvalid(() => index.remove(bad), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
      expectInvalid(() => index.rankOf(bad), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    }
    expect(index.size).toBe(0);
  });

  it('throws for non-integer ranks and slice bounds', () => {
    const index = new OrderIndex(byValue);
    expectInvalid(() => index.at(0.5), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expectInvalid(() => index.slice(0, Number.NaN), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expectInvalid(() => index.slice(1.5, 3), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
  });

  it('throws when inserting a present slot or one whose key equals a present key', () => {
    const keys = [1, 1];
    const index = new OrderIndex((a, b) => keys[a]! - keys[b]!);
    index.insert(0);
    expectInvalid(() => index.insert(0), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expectInvalid(() => index.insert(1), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expect(index.size).toBe(1);
    expect(index.checkInvariants()).toEqual([]);
  });

  it('throws on unsorted, duplicate or invalid loadSorted input and keeps the old content', () => {
    const index = new OrderIndex(byValue);
    index.loadSorted([1, 2]);
    expectInvalid(() => index.loadSorted([1, 3, 2]), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expectInvalid(() => index.loadSorted([1, 1]), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expectInvalid(() => index.loadSorted([1, -2]), 'GK_MEMBER_LIST_INVALID_ARGUMENT');
    expect(index.slice(0, 5)).toEqual([1, 2]);
  });

  it('throws GK_MEMBER_LIST_INVALID_OPTION for capacities outside [4, 4096]', () => {
    for (const bad of [3, 4097, 10.5]) {
      expectInvalid(
        () => new OrderIndex(byValue, { leafCapacity: bad }),
        'GK_MEMBER_LIST_INVALID_OPTION',
      );
      expectInvalid(
        () => new OrderIndex(byValue, { branchCapacity: bad }),
        'GK_MEMBER_LIST_INVALID_OPTION',
      );
    }
  });
});

describe('OrderIndex.estimateBytes', () => {
  it('stays near 4 bytes of leaf per slot plus 4 of slot table after a bulk load', () => {
    const index = new OrderIndex(byValue);
    index.loadSorted(range(0, 100_000));
    const perSlot = index.estimateBytes() / 100_000;
    expect(perSlot).toBeGreaterThan(8);
    expect(perSlot).toBeLessThan(11);
  });
});
