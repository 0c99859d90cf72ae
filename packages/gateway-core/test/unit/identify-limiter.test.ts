import {
  DEFAULT_IDENTIFY_LIMITER_OPTIONS,
  GatewayError,
  GatewayErrorCode,
  IdentifyLimiter,
  type IdentifyLimiterOptions,
} from '@guildkit/gateway-core';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

const APP = '80351110224678912';
const OTHER_APP = '159985870458322944';

function limiter(options: Omit<IdentifyLimiterOptions, 'clock'> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  return { clock, limiter: new IdentifyLimiter({ ...options, clock }) };
}

describe('IdentifyLimiter', () => {
  it("defaults to Discord's max_concurrency 1 and 5 s window", () => {
    expect(DEFAULT_IDENTIFY_LIMITER_OPTIONS).toEqual({ maxConcurrency: 1, windowMs: 5000 });
    const { clock, limiter: identify } = limiter();
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
    clock.advance(1200);
    expect(identify.tryAcquire(APP, 7)).toEqual({ ok: false, retryAfterMs: 3800 });
  });

  it('puts shard_id % maxConcurrency in one bucket: 3 and 19 share bucket 3 of 16', () => {
    const { limiter: identify } = limiter({ maxConcurrency: 16 });
    expect(identify.tryAcquire(APP, 3)).toEqual({ ok: true });
    expect(identify.tryAcquire(APP, 19)).toEqual({ ok: false, retryAfterMs: 5000 });
    expect(identify.tryAcquire(APP, 35)).toEqual({ ok: false, retryAfterMs: 5000 });
    expect(identify.tryAcquire(APP, 4)).toEqual({ ok: true });
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
    expect(identify.tryAcquire(APP, 15)).toEqual({ ok: true });
    expect(identify.tryAcquire(APP, 16)).toEqual({ ok: false, retryAfterMs: 5000 });
  });

  it('admits one IDENTIFY per bucket per window, the next exactly when the window ends', () => {
    const { clock, limiter: identify } = limiter({ windowMs: 5000 });
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
    clock.advance(4999);
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: false, retryAfterMs: 5000 });
  });

  it('does not move the window when it refuses', () => {
    const { clock, limiter: identify } = limiter();
    identify.tryAcquire(APP, 0);
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      expect(identify.tryAcquire(APP, 0)).toEqual({ ok: false, retryAfterMs: 4000 - i * 1000 });
    }
    clock.advance(1000);
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
  });

  it('keeps separate applications independent', () => {
    const { limiter: identify } = limiter();
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
    expect(identify.tryAcquire(OTHER_APP, 0)).toEqual({ ok: true });
    expect(identify.tryAcquire(APP, 0)).toMatchObject({ ok: false });
    expect(identify.tryAcquire(OTHER_APP, 0)).toMatchObject({ ok: false });
  });

  it('uses a configured window', () => {
    const { clock, limiter: identify } = limiter({ windowMs: 250 });
    identify.tryAcquire(APP, 0);
    clock.advance(100);
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: false, retryAfterMs: 150 });
    clock.advance(150);
    expect(identify.tryAcquire(APP, 0)).toEqual({ ok: true });
  });

  it('counts busy buckets and prunes them once their window passed', () => {
    const { clock, limiter: identify } = limiter({ maxConcurrency: 4 });
    expect(identify.busyBuckets).toBe(0);
    identify.tryAcquire(APP, 0);
    identify.tryAcquire(APP, 1);
    identify.tryAcquire(APP, 5);
    identify.tryAcquire(OTHER_APP, 1);
    // APP:0, APP:1 and OTHER_APP:1; shard 5 was refused (bucket 1 of APP).
    expect(identify.busyBuckets).toBe(3);
    clock.advance(2500);
    identify.tryAcquire(APP, 2);
    expect(identify.busyBuckets).toBe(4);
    clock.advance(2500);
    expect(identify.busyBuckets).toBe(1);
    clock.advance(2500);
    expect(identify.busyBuckets).toBe(0);
  });

  it('keeps a bounded state across many applications as windows pass', () => {
    const { clock, limiter: identify } = limiter();
    for (let round = 0; round < 10; round++) {
      for (let app = 0; app < 100; app++) identify.tryAcquire(`${round}-${app}`, 0);
      clock.advance(5000);
    }
    expect(identify.busyBuckets).toBe(0);
  });

  it.each([
    ['maxConcurrency 0', { maxConcurrency: 0 }],
    ['maxConcurrency -1', { maxConcurrency: -1 }],
    ['maxConcurrency 1.5', { maxConcurrency: 1.5 }],
    ['maxConcurrency NaN', { maxConcurrency: Number.NaN }],
    ['maxConcurrency Infinity', { maxConcurrency: Number.POSITIVE_INFINITY }],
    ['windowMs 0', { windowMs: 0 }],
    ['windowMs -5000', { windowMs: -5000 }],
    ['windowMs NaN', { windowMs: Number.NaN }],
    ['windowMs Infinity', { windowMs: Number.POSITIVE_INFINITY }],
  ])('throws GK_GATEWAY_INVALID_OPTION for %s', (_name, options: IdentifyLimiterOptions) => {
    let thrown: unknown;
    try {
      new IdentifyLimiter(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect((thrown as GatewayError).code).toBe(GatewayErrorCode.InvalidOption);
    expect((thrown as GatewayError).code).toBe('GK_GATEWAY_INVALID_OPTION');
  });
});
