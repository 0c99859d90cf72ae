import { fc, test } from '@fast-check/vitest';
import { FrameRateLimiter } from '@guildkit/gateway-core';
import { expect } from 'vitest';

test.prop([
  fc.integer({ min: 1, max: 10 }),
  fc.integer({ min: 1, max: 1000 }),
  fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }),
])(
  'accepts a frame exactly when fewer than `limit` accepted frames lie in the last window',
  (limit, windowMs, gaps) => {
    const limiter = new FrameRateLimiter({ limit, windowMs });
    const accepted: number[] = [];
    let now = 0;
    for (const gap of gaps) {
      now += gap;
      const inWindow = accepted.filter((time) => time > now - windowMs).length;
      const expected = inWindow < limit;
      expect(limiter.tryAcquire(now)).toBe(expected);
      if (expected) accepted.push(now);
    }
  },
);
