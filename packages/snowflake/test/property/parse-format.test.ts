import { fc, test } from '@fast-check/vitest';
import {
  compareSnowflakes,
  deconstruct,
  isSnowflake,
  relativeTimestampOf,
  SnowflakeGenerator,
  snowflakeFromTimestamp,
  timestampOf,
} from '@guildkit/snowflake';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect } from 'vitest';

const EPOCH = 1420070400000;
const MAX_UINT64 = 2n ** 64n - 1n;
const uint64 = fc.oneof(
  fc.bigInt(0n, MAX_UINT64),
  fc.constantFrom(0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, MAX_UINT64),
);

/** The oracle: BigInt shifts and masks on the documented layout. */
function fields(id: bigint) {
  return {
    timestamp: Number((id >> 22n) + BigInt(EPOCH)),
    workerId: Number((id >> 17n) & 31n),
    processId: Number((id >> 12n) & 31n),
    increment: Number(id & 4095n),
  };
}

describe('parsing decimal strings without BigInt', () => {
  test.prop([uint64], { numRuns: 2000 })('deconstruct is exact over the 64-bit range', (id) => {
    expect(deconstruct(id.toString())).toEqual(fields(id));
    expect(deconstruct(id)).toEqual(fields(id));
  });

  test.prop([uint64], { numRuns: 2000 })('relativeTimestampOf is exactly id >> 22', (id) => {
    expect(relativeTimestampOf(id.toString())).toBe(Number(id >> 22n));
    expect(relativeTimestampOf(id)).toBe(Number(id >> 22n));
    expect(timestampOf(id.toString())).toBe(Number(id >> 22n) + EPOCH);
  });

  test.prop([fc.bigInt(2n ** 64n, 2n ** 80n)])('rejects every value >= 2^64', (id) => {
    expect(() => deconstruct(id.toString())).toThrowError(
      expect.objectContaining({ code: 'GK_SNOWFLAKE_ID_OUT_OF_RANGE' }),
    );
    expect(isSnowflake(id.toString())).toBe(false);
  });

  test.prop([fc.string({ maxLength: 24 })], { numRuns: 2000 })(
    'isSnowflake agrees with a regex-and-BigInt oracle and never throws',
    (value) => {
      const oracle = /^(0|[1-9][0-9]*)$/.test(value) && BigInt(value) <= MAX_UINT64;
      expect(isSnowflake(value)).toBe(oracle);
      if (!oracle) expect(() => deconstruct(value)).toThrow();
    },
  );

  test.prop([fc.stringMatching(/^[0-9]{1,21}$/)], { numRuns: 2000 })(
    'digit strings parse when canonical and in range, and fail otherwise',
    (value) => {
      const canonical = !(value.length > 1 && value.startsWith('0'));
      const inRange = BigInt(value) <= MAX_UINT64;
      if (canonical && inRange) expect(deconstruct(value)).toEqual(fields(BigInt(value)));
      else expect(() => deconstruct(value)).toThrow();
    },
  );
});

describe('compareSnowflakes', () => {
  test.prop([uint64, uint64], { numRuns: 2000 })('agrees with BigInt comparison', (a, b) => {
    const expected = a === b ? 0 : a < b ? -1 : 1;
    expect(compareSnowflakes(a.toString(), b.toString())).toBe(expected);
    expect(compareSnowflakes(a, b)).toBe(expected);
    expect(compareSnowflakes(a.toString(), b)).toBe(expected);
    expect(compareSnowflakes(a, b.toString())).toBe(expected);
  });

  test.prop([uint64, fc.integer({ min: 0, max: 5000 })])('orders neighbours', (a, step) => {
    const b = a + BigInt(step) > MAX_UINT64 ? MAX_UINT64 : a + BigInt(step);
    expect(compareSnowflakes(a.toString(), b.toString())).toBe(a === b ? 0 : -1);
  });
});

describe('formatting ids without BigInt', () => {
  test.prop(
    [
      fc.integer({ min: 0, max: 2 ** 42 - 1 }),
      fc.integer({ min: 0, max: 31 }),
      fc.integer({ min: 0, max: 31 }),
      fc.integer({ min: 1, max: 4096 }),
    ],
    { numRuns: 300 },
  )(
    'every id of a millisecond is exact and round-trips through deconstruct',
    (relativeMs, workerId, processId, count) => {
      const clock = new ManualClock(EPOCH + relativeMs);
      const generator = new SnowflakeGenerator({ workerId, processId, clock });
      const base =
        (BigInt(relativeMs) << 22n) | (BigInt(workerId) << 17n) | (BigInt(processId) << 12n);
      // Up to 4,096 ids a run: compare plainly and report the first wrong one, so that a long
      // run stays well inside the timeout on a loaded machine.
      let wrong: string | undefined;
      for (let increment = 0; increment < count && wrong === undefined; increment++) {
        const id = generator.next();
        const expected = (base | BigInt(increment)).toString();
        const fields = deconstruct(id);
        if (id !== expected) wrong = `id ${increment} is ${id}, expected ${expected}`;
        else if (
          fields.timestamp !== EPOCH + relativeMs ||
          fields.workerId !== workerId ||
          fields.processId !== processId ||
          fields.increment !== increment
        ) {
          wrong = `id ${id} deconstructs to ${JSON.stringify(fields)}`;
        }
      }
      expect(wrong).toBeUndefined();
    },
  );

  test.prop([fc.integer({ min: 0, max: 2 ** 42 - 1 })], { numRuns: 2000 })(
    'snowflakeFromTimestamp is exactly (ms - epoch) << 22',
    (relativeMs) => {
      const id = snowflakeFromTimestamp(EPOCH + relativeMs);
      expect(id).toBe((BigInt(relativeMs) << 22n).toString());
      expect(timestampOf(id)).toBe(EPOCH + relativeMs);
    },
  );
});
