import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { SequenceRewriter } from '../../src/media/sequence-rewriter.js';

const START = 1_700_000_000_000;
const CLOCK_RATE = 48_000;

/** One source's run of packets: where it starts and how its numbers move packet to packet. */
const source = fc.record({
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffff_ffff }),
  steps: fc.array(
    fc.record({
      sequenceStep: fc.integer({ min: -5, max: 300 }),
      timestampStep: fc.integer({ min: -10_000, max: 100_000 }),
      elapsedMs: fc.integer({ min: 0, max: 5_000 }),
    }),
    { maxLength: 30 },
  ),
});

interface Sent {
  readonly input: readonly [sequenceNumber: number, timestamp: number];
  readonly output: readonly [sequenceNumber: number, timestamp: number];
  readonly at: number;
}

describe('SequenceRewriter', () => {
  test.prop([
    fc.array(source, { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 10_000 }),
  ])(
    'keeps each source’s deltas, continues the stream across rebases, and passes the first source through',
    (sources, gapMs) => {
      const rewriter = new SequenceRewriter(CLOCK_RATE);
      const runs: Sent[][] = [];
      let now = START;
      for (const [index, run] of sources.entries()) {
        if (index > 0) {
          rewriter.rebase();
          now += gapMs;
        }
        let sequenceNumber = run.sequenceNumber;
        let timestamp = run.timestamp;
        const sent: Sent[] = [];
        for (let i = 0; i <= run.steps.length; i++) {
          const step = run.steps[i - 1];
          if (step) {
            sequenceNumber = (sequenceNumber + step.sequenceStep) & 0xffff;
            timestamp = (timestamp + step.timestampStep) >>> 0;
            now += step.elapsedMs;
          }
          rewriter.rewrite(sequenceNumber, timestamp, now);
          sent.push({
            input: [sequenceNumber, timestamp],
            output: [rewriter.sequenceNumber, rewriter.timestamp],
            at: now,
          });
        }
        runs.push(sent);
      }

      expect(runs[0]?.[0]?.output).toEqual(runs[0]?.[0]?.input);
      for (const [index, run] of runs.entries()) {
        const first = run[0] as Sent;
        for (const packet of run) {
          expect((packet.output[0] - first.output[0]) & 0xffff).toBe(
            (packet.input[0] - first.input[0]) & 0xffff,
          );
          expect((packet.output[1] - first.output[1]) >>> 0).toBe(
            (packet.input[1] - first.input[1]) >>> 0,
          );
        }
        const previous = runs[index - 1]?.at(-1);
        if (previous) {
          const ticks = Math.max(1, Math.round(((first.at - previous.at) * CLOCK_RATE) / 1000));
          expect(first.output[0]).toBe((previous.output[0] + 1) & 0xffff);
          expect(first.output[1]).toBe((previous.output[1] + ticks) >>> 0);
        }
      }
    },
  );
});
