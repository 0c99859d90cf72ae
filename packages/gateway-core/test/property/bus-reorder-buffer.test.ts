import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { ReorderBuffer, type SequenceGap } from '../../src/bus/index.js';

interface Output {
  readonly delivered: number[];
  readonly gaps: SequenceGap[];
}

function collect(options: { windowMs: number; maxBuffered: number; firstSeq?: number }) {
  const output: Output = { delivered: [], gaps: [] };
  const buffer = new ReorderBuffer<number>(
    {
      deliver: (seq, item) => {
        expect(item).toBe(seq * 10);
        output.delivered.push(seq);
      },
      skip: (gap) => output.gaps.push(gap),
    },
    options,
  );
  return { buffer, output };
}

/** A permutation of 1..n in which no event arrives more than `displacement` places late. */
const boundedShuffle = fc
  .record({ n: fc.integer({ min: 1, max: 300 }), displacement: fc.integer({ min: 0, max: 40 }) })
  .chain(({ n, displacement }) =>
    fc
      .array(fc.double({ min: 0, max: displacement, noNaN: true }), {
        minLength: n,
        maxLength: n,
      })
      .map((jitter) =>
        jitter
          .map((offset, index) => ({ seq: index + 1, key: index + offset }))
          .sort((a, b) => a.key - b.key)
          .map(({ seq }) => seq),
      ),
  );

test.prop([boundedShuffle, fc.array(fc.nat(), { maxLength: 50 })])(
  'a permutation within the window comes out in order, each event once, with no gap',
  (order, duplicateIndexes) => {
    const { buffer, output } = collect({ windowMs: 1000, maxBuffered: 1024, firstSeq: 1 });
    const arrivals = [...order];
    for (const index of duplicateIndexes) {
      arrivals.splice(index % (arrivals.length + 1), 0, order[index % order.length]!);
    }
    // One arrival per ms: at most 350 ms in all, inside the 1000 ms window.
    for (const [now, seq] of arrivals.entries()) buffer.push(seq, seq * 10, now);
    expect(output.delivered).toEqual(order.slice().sort((a, b) => a - b));
    expect(output.gaps).toEqual([]);
    expect(buffer.buffered).toBe(0);
    expect(buffer.deadline).toBeUndefined();
  },
);

test.prop([
  fc.array(fc.record({ seq: fc.integer({ min: 1, max: 120 }), advance: fc.nat({ max: 300 }) }), {
    maxLength: 300,
  }),
  fc.integer({ min: 0, max: 500 }),
  fc.integer({ min: 1, max: 30 }),
])(
  'any arrival order, loss or repetition: strictly increasing output, each sequence delivered or skipped exactly once',
  (arrivals, windowMs, maxBuffered) => {
    const { buffer, output } = collect({ windowMs, maxBuffered, firstSeq: 1 });
    let now = 0;
    for (const { seq, advance } of arrivals) {
      now += advance;
      buffer.expire(now);
      buffer.push(seq, seq * 10, now);
      expect(buffer.buffered).toBeLessThanOrEqual(maxBuffered);
      const deadline = buffer.deadline;
      // expire(now) ran first: nothing still held was due.
      if (deadline !== undefined) expect(deadline).toBeGreaterThanOrEqual(now);
    }
    buffer.expire(now + windowMs);
    expect(buffer.buffered).toBe(0);
    const covered: number[] = [...output.delivered];
    for (const gap of output.gaps) {
      expect(gap.toSeq).toBeGreaterThanOrEqual(gap.fromSeq);
      for (let seq = gap.fromSeq; seq <= gap.toSeq; seq++) covered.push(seq);
    }
    for (let i = 1; i < output.delivered.length; i++) {
      expect(output.delivered[i]).toBeGreaterThan(output.delivered[i - 1]!);
    }
    const highest = Math.max(0, ...arrivals.map(({ seq }) => seq));
    expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: highest }, (_, i) => i + 1));
    for (const seq of new Set(arrivals.map((arrival) => arrival.seq))) {
      const skipped = output.gaps.some((gap) => gap.fromSeq <= seq && seq <= gap.toSeq);
      expect(output.delivered.includes(seq) !== skipped).toBe(true);
    }
  },
);

test.prop([fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 100 })])(
  'nothing is skipped while the window has not passed',
  (arrivals) => {
    const { buffer, output } = collect({ windowMs: 1_000_000, maxBuffered: 1024, firstSeq: 1 });
    for (const seq of arrivals) buffer.push(seq, seq * 10, 0);
    buffer.expire(999_999);
    expect(output.gaps).toEqual([]);
    let expected = 1;
    for (const seq of output.delivered) expect(seq).toBe(expected++);
  },
);
