import { fc, test } from '@fast-check/vitest';
import { type Clock, deconstruct, SnowflakeGenerator } from '@guildkit/snowflake';
import { describe, expect } from 'vitest';

const START = 1700000000000;

/** One stretch of the scripted clock: a jump, then `reads` readings at the new time. */
interface Stretch {
  readonly jumpMs: number;
  readonly reads: number;
}

/**
 * Plays back the scripted readings in order; once they run out it moves forward 1 ms per
 * read, so a generator waiting for the next millisecond always gets one.
 */
class ScriptedClock implements Clock {
  readonly #readings: number[] = [];
  #index = 0;
  constructor(stretches: readonly Stretch[]) {
    let now = START;
    for (const { jumpMs, reads } of stretches) {
      now += jumpMs;
      for (let i = 0; i < reads; i++) this.#readings.push(now);
    }
  }
  now(): number {
    const reading = this.#readings[this.#index];
    this.#index += 1;
    if (reading !== undefined) return reading;
    return (this.#readings.at(-1) ?? START) + (this.#index - this.#readings.length);
  }
}

const stretch = fc.record({
  // Mostly small steps forward, sometimes none, sometimes a step back of up to 10 s.
  jumpMs: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 2, arbitrary: fc.integer({ min: -10000, max: -1 }) },
  ),
  // Long stretches on one millisecond exhaust its 4096 increments.
  reads: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 50 }) },
    { weight: 1, arbitrary: fc.integer({ min: 4000, max: 9000 }) },
  ),
});

describe('SnowflakeGenerator under any clock', () => {
  test.prop(
    [
      fc.array(stretch, { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 0, max: 31 }),
      fc.integer({ min: 0, max: 31 }),
    ],
    { numRuns: 100 },
  )(
    'issues strictly increasing ids, never repeating, never before the first clock reading',
    (stretches, workerId, processId) => {
      const clock = new ScriptedClock(stretches);
      const generator = new SnowflakeGenerator({ workerId, processId, clock });
      const total = stretches.reduce((sum, { reads }) => sum + reads, 0);
      const earliest = START + (stretches[0]?.jumpMs ?? 0);
      let previous = -1n;
      // Up to 270,000 ids a run: compare plainly and report the first wrong one, since an
      // expect() per id made a long run outlast the test timeout on a loaded machine.
      let wrong: string | undefined;
      for (let i = 0; i < total && wrong === undefined; i++) {
        const text = i % 5 === 0 ? generator.nextBigInt().toString() : generator.next();
        const id = BigInt(text);
        const fields = deconstruct(text);
        if (id <= previous) wrong = `id ${i} (${text}) is not above ${previous}`;
        else if (fields.workerId !== workerId || fields.processId !== processId) {
          wrong = `id ${i} (${text}) has worker ${fields.workerId}, process ${fields.processId}`;
        } else if (fields.timestamp < earliest) {
          wrong = `id ${i} (${text}) is stamped ${fields.timestamp}, before ${earliest}`;
        }
        previous = id;
      }
      expect(wrong).toBeUndefined();
    },
  );
});
