import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { OrderIndex } from '../../src/order-index.js';

const SLOTS = 96;
const NAMES = ['ana', 'bo', 'bo', 'cy', 'cy', 'cy'];

/** Member-like records: group, then a name with many duplicates, then a per-slot id. */
interface Records {
  group: number[];
  name: string[];
  id: string[];
}

function newRecords(): Records {
  return {
    group: new Array<number>(SLOTS).fill(0),
    name: new Array<string>(SLOTS).fill('ana'),
    // Ids of different lengths, so the length-then-text order matters.
    id: Array.from({ length: SLOTS }, (_, slot) => String((slot * 7919) % 100_003)),
  };
}

function comparator(records: Records): (a: number, b: number) => number {
  return (a, b) => {
    if (records.group[a] !== records.group[b]) return records.group[a]! - records.group[b]!;
    if (records.name[a] !== records.name[b]) return records.name[a]! < records.name[b]! ? -1 : 1;
    const idA = records.id[a]!;
    const idB = records.id[b]!;
    if (idA.length !== idB.length) return idA.length - idB.length;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
}

const slot = fc.nat({ max: SLOTS - 1 });
const key = fc.record({ group: fc.nat({ max: 3 }), name: fc.constantFrom(...NAMES) });
const operation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), slot, key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rankOf' as const), slot }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('at' as const),
      rank: fc.integer({ min: -2, max: SLOTS + 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('slice' as const),
      start: fc.integer({ min: -3, max: SLOTS }),
      length: fc.integer({ min: -2, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('loadSorted' as const),
      slots: fc.uniqueArray(slot, { maxLength: SLOTS }),
    }),
  },
);
const capacities = fc.record({
  leafCapacity: fc.constantFrom(4, 5, 6, 8, 16),
  branchCapacity: fc.constantFrom(4, 5, 7, 8),
});

describe('OrderIndex against a sorted-array model', () => {
  test.prop([capacities, fc.array(operation, { maxLength: 400 })], { numRuns: 300 })(
    'every query answers as the model does and the tree stays sound',
    (options, operations) => {
      const records = newRecords();
      const compare = comparator(records);
      const index = new OrderIndex(compare, options);
      let model: number[] = [];
      for (const step of operations) {
        switch (step.op) {
          case 'insert': {
            if (model.includes(step.slot)) {
              expect(() => index.insert(step.slot)).toThrow();
              break;
            }
            records.group[step.slot] = step.key.group;
            records.name[step.slot] = step.key.name;
            index.insert(step.slot);
            model = [...model, step.slot].sort(compare);
            break;
          }
          case 'remove': {
            expect(index.remove(step.slot)).toBe(model.includes(step.slot));
            model = model.filter((present) => present !== step.slot);
            break;
          }
          case 'rankOf':
            expect(index.rankOf(step.slot)).toBe(model.indexOf(step.slot));
            break;
          case 'at':
            expect(index.at(step.rank)).toBe(step.rank >= 0 ? (model[step.rank] ?? -1) : -1);
            break;
          case 'slice': {
            const end = step.start + step.length;
            const expected = model.slice(Math.max(0, step.start), Math.max(0, end));
            expect(index.slice(step.start, end)).toEqual(end <= step.start ? [] : expected);
            break;
          }
          case 'loadSorted': {
            model = [...step.slots].sort(compare);
            index.loadSorted(model);
            break;
          }
        }
        expect(index.size).toBe(model.length);
        expect(index.checkInvariants()).toEqual([]);
      }
      expect(index.slice(0, SLOTS)).toEqual(model);
    },
  );

  test.prop(
    [capacities, fc.array(fc.tuple(fc.nat({ max: 1999 }), fc.boolean()), { maxLength: 3000 })],
    {
      numRuns: 40,
    },
  )(
    'mass removal and re-insertion over 2,000 slots keeps every node within bounds',
    (options, steps) => {
      const index = new OrderIndex((a, b) => a - b, options);
      const present = new Set(Array.from({ length: 2000 }, (_, s) => s));
      index.loadSorted([...present]);
      for (const [i, [member, insertBack]] of steps.entries()) {
        if (present.has(member)) {
          index.remove(member);
          present.delete(member);
        } else if (insertBack) {
          index.insert(member);
          present.add(member);
        }
        if (i % 250 === 0) expect(index.checkInvariants()).toEqual([]);
      }
      expect(index.checkInvariants()).toEqual([]);
      expect(index.slice(0, 2000)).toEqual([...present].sort((a, b) => a - b));
    },
  );

  test.prop([capacities, fc.array(fc.tuple(slot, key), { minLength: 1, maxLength: 300 })], {
    numRuns: 200,
  })(
    'status churn (remove, change key, re-insert) keeps ranks equal to the model',
    (options, changes) => {
      const records = newRecords();
      const compare = comparator(records);
      const index = new OrderIndex(compare, options);
      const everyone = Array.from({ length: SLOTS }, (_, s) => s).sort(compare);
      index.loadSorted(everyone);
      for (const [member, next] of changes) {
        expect(index.remove(member)).toBe(true);
        records.group[member] = next.group;
        records.name[member] = next.name;
        index.insert(member);
      }
      const model = Array.from({ length: SLOTS }, (_, s) => s).sort(compare);
      expect(index.slice(0, SLOTS)).toEqual(model);
      for (const [rank, member] of model.entries()) {
        expect(index.rankOf(member)).toBe(rank);
        expect(index.at(rank)).toBe(member);
      }
      expect(index.checkInvariants()).toEqual([]);
    },
  );
});
