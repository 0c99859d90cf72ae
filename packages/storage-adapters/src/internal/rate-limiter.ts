import type { Clock } from '@guildkit/snowflake';

/**
 * A token bucket: `ratePerSecond` tokens a second, holding at most one second's worth.
 * {@link RateLimiter.take} waits (through the injected `sleep`) until enough tokens exist.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;

  /**
   * @param ratePerSecond - tokens per second (> 0).
   * @param clock - time source in ms.
   * @param sleep - waits `ms` milliseconds.
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = ratePerSecond;
    this.refilledAt = clock.now();
  }

  /** Takes `count` tokens (more than the bucket holds is allowed: it then waits longer). */
  async take(count: number): Promise<void> {
    this.refill();
    this.tokens -= count;
    if (this.tokens >= 0) return;
    await this.sleep(Math.ceil((-this.tokens / this.ratePerSecond) * 1000));
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.ratePerSecond, this.tokens + (elapsed / 1000) * this.ratePerSecond);
  }
}
