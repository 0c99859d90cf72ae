import { FrameRateLimiter, GatewayErrorCode } from '@guildkit/gateway-core';
import { describe, expect, it } from 'vitest';

describe('FrameRateLimiter', () => {
  it('allows 120 frames in 60 s and refuses the 121st, as Discord documents', () => {
    const limiter = new FrameRateLimiter();
    for (let i = 0; i < 120; i++) expect(limiter.tryAcquire(1_000 + i)).toBe(true);
    expect(limiter.tryAcquire(1_200)).toBe(false);
  });

  it('frees a slot once the oldest frame is 60 s old', () => {
    const limiter = new FrameRateLimiter();
    for (let i = 0; i < 120; i++) expect(limiter.tryAcquire(i * 100)).toBe(true);
    expect(limiter.tryAcquire(59_999)).toBe(false);
    expect(limiter.tryAcquire(60_000)).toBe(true);
    expect(limiter.tryAcquire(60_000)).toBe(false);
    expect(limiter.tryAcquire(60_100)).toBe(true);
  });

  it('does not count refused frames', () => {
    const limiter = new FrameRateLimiter({ limit: 2, windowMs: 10 });
    expect(limiter.tryAcquire(0)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.tryAcquire(5)).toBe(false);
    expect(limiter.tryAcquire(10)).toBe(true);
    expect(limiter.tryAcquire(11)).toBe(true);
  });

  it('throws GK_GATEWAY_INVALID_OPTION for a bad limit or window', () => {
    for (const options of [
      { limit: 0 },
      { limit: 1.5 },
      { windowMs: 0 },
      { windowMs: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => new FrameRateLimiter(options)).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
      );
    }
  });
});
