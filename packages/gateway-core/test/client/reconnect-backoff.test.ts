import { test } from '@fast-check/vitest';
import { DEFAULT_RECONNECT_BACKOFF_OPTIONS, reconnectDelayMs } from '@guildkit/gateway-core/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('reconnectDelayMs', () => {
  it('defaults to a 1 s base and a 60 s cap', () => {
    expect(DEFAULT_RECONNECT_BACKOFF_OPTIONS).toEqual({ baseMs: 1000, maxMs: 60_000 });
  });

  it('doubles the ceiling per attempt until the cap', () => {
    const almostOne = () => 0.999_999;
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 50].map((attempt) =>
      reconnectDelayMs(attempt, DEFAULT_RECONNECT_BACKOFF_OPTIONS, almostOne),
    );
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15_999, 31_999, 59_999, 59_999, 59_999]);
  });

  it('is 0 for a draw of 0', () => {
    expect(reconnectDelayMs(5, DEFAULT_RECONNECT_BACKOFF_OPTIONS, () => 0)).toBe(0);
  });
});

test.prop([
  fc.integer({ min: 1, max: 10_000 }),
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
])('is a whole number of ms below min(cap, base * 2^(attempt-1))', (attempt, draw) => {
  const delay = reconnectDelayMs(attempt, { baseMs: 100, maxMs: 5000 }, () => draw);
  expect(Number.isInteger(delay)).toBe(true);
  expect(delay).toBeGreaterThanOrEqual(0);
  expect(delay).toBeLessThan(Math.min(5000, 100 * 2 ** Math.min(attempt - 1, 40)));
});
