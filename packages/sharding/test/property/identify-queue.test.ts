import { fc, test } from '@fast-check/vitest';
import { IdentifyQueue } from '@guildkit/sharding';
import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect } from 'vitest';

const STEP_MS = 250;
const INTERVAL_MS = 1_000;

interface Arrival {
  readonly shardId: number;
  readonly arriveStep: number;
  readonly abortStep: number | undefined;
}

const arrival = fc.record({
  shardId: fc.nat({ max: 7 }),
  arriveStep: fc.nat({ max: 40 }),
  abortStep: fc.option(fc.nat({ max: 60 }), { nil: undefined }),
});

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The queue's contract as a plain step-by-step model: at each instant, due turns are given
 * first, then aborts, then arrivals; a bucket gives a turn to its oldest live waiter as soon as
 * `intervalMs` has passed since its previous turn.
 */
function model(arrivals: readonly Arrival[], maxConcurrency: number, lastStep: number): string[] {
  const queues = new Map<number, number[]>();
  const nextTurnAt = new Map<number, number>();
  const log: string[] = [];
  const give = (bucket: number, now: number): void => {
    const waiters = queues.get(bucket) ?? [];
    const head = waiters[0];
    if (head === undefined || now < (nextTurnAt.get(bucket) ?? Number.NEGATIVE_INFINITY)) return;
    waiters.shift();
    nextTurnAt.set(bucket, now + INTERVAL_MS);
    log.push(`${head}@${now}`);
  };
  for (let step = 0; step <= lastStep; step++) {
    const now = step * STEP_MS;
    for (const bucket of queues.keys()) give(bucket, now);
    arrivals.forEach((a, index) => {
      if (a.abortStep !== step) return;
      const waiters = queues.get(a.shardId % maxConcurrency) ?? [];
      if (waiters.includes(index)) waiters.splice(waiters.indexOf(index), 1);
    });
    arrivals.forEach((a, index) => {
      if (a.arriveStep !== step || (a.abortStep !== undefined && a.abortStep <= step)) return;
      const bucket = a.shardId % maxConcurrency;
      const waiters = queues.get(bucket) ?? [];
      queues.set(bucket, waiters);
      waiters.push(index);
      if (waiters.length === 1) give(bucket, now);
    });
  }
  return log.sort();
}

describe('IdentifyQueue against a step model', () => {
  test.prop([fc.array(arrival, { maxLength: 30 }), fc.integer({ min: 1, max: 4 })], {
    numRuns: 100,
  })('gives the same turns at the same times as the model', async (arrivals, maxConcurrency) => {
    const lastStep = 60 + (arrivals.length * INTERVAL_MS) / STEP_MS;
    const scheduler = new ManualScheduler();
    const queue = new IdentifyQueue({
      maxConcurrency,
      intervalMs: INTERVAL_MS,
      clock: scheduler.clock,
      scheduler,
    });
    const controllers = arrivals.map(() => new AbortController());
    const log: string[] = [];
    for (let step = 0; step <= lastStep; step++) {
      if (step > 0) scheduler.advance(STEP_MS);
      await settle();
      arrivals.forEach((a, index) => {
        if (a.abortStep === step) controllers[index]!.abort();
      });
      arrivals.forEach((a, index) => {
        if (a.arriveStep !== step) return;
        queue.waitForTurn(a.shardId, { signal: controllers[index]!.signal }).then(
          () => void log.push(`${index}@${scheduler.clock.now()}`),
          () => undefined,
        );
      });
      await settle();
    }
    queue.close();
    expect(log.sort()).toEqual(model(arrivals, maxConcurrency, lastStep));
  });
});
