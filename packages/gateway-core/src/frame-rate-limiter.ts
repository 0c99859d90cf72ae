import { GatewayError, GatewayErrorCode } from './errors.js';

/** Options for {@link FrameRateLimiter}. */
export interface FrameRateLimiterOptions {
  /**
   * Frames allowed within any window of {@link FrameRateLimiterOptions.windowMs}.
   * @defaultValue 120
   */
  readonly limit?: number;
  /**
   * The sliding window's length.
   * @defaultValue 60000
   */
  readonly windowMs?: number;
}

/**
 * Defaults of {@link FrameRateLimiterOptions}: Discord allows 120 gateway events per
 * connection every 60 seconds and closes with 4008 beyond that.
 *
 * @example
 * ```ts
 * import { DEFAULT_FRAME_RATE_LIMITER_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_FRAME_RATE_LIMITER_OPTIONS.limit; // 120
 * ```
 */
export const DEFAULT_FRAME_RATE_LIMITER_OPTIONS = {
  limit: 120,
  windowMs: 60_000,
} as const satisfies Required<FrameRateLimiterOptions>;

/**
 * One connection's inbound frame budget: a sliding-window log of the last `limit` frame times
 * in a fixed ring, so a check is O(1) and allocation-free. Pure: the caller passes `now`.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#rate-limiting | Discord: rate limiting}
 * @example
 * ```ts
 * import { FrameRateLimiter } from '@guildkit/gateway-core';
 * import { GatewayCloseCodes } from 'discord-api-types/v10';
 *
 * const limiter = new FrameRateLimiter();
 * if (!limiter.tryAcquire(clock.now())) socket.close(GatewayCloseCodes.RateLimited, 'rate limited');
 * ```
 */
export class FrameRateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  /**
   * When the frames of the current window arrived, oldest first from `#head`: a ring that only
   * grows when more frames than ever before fall in one window, so an idle connection (a
   * heartbeat every ~41 s) keeps two entries however long it lives.
   */
  #times: number[] = [];
  #head = 0;
  #count = 0;

  /**
   * @param options - the budget.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `limit` is not a positive safe
   * integer or `windowMs` not a positive finite number.
   */
  constructor(options: FrameRateLimiterOptions = {}) {
    const limit = options.limit ?? DEFAULT_FRAME_RATE_LIMITER_OPTIONS.limit;
    const windowMs = options.windowMs ?? DEFAULT_FRAME_RATE_LIMITER_OPTIONS.windowMs;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `limit must be a positive safe integer, got ${String(limit)}`,
      );
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `windowMs must be a positive finite number, got ${String(windowMs)}`,
      );
    }
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /**
   * Counts one inbound frame received at `now`, if the budget allows it.
   *
   * @param now - the current time in ms; readings should not go backwards.
   * @returns `true` when the frame is within the budget, `false` when it is one too many in
   * the last `windowMs` (close with 4008, `GatewayCloseCodes.RateLimited`). A refused frame
   * is not counted.
   */
  tryAcquire(now: number): boolean {
    let times = this.#times;
    while (this.#count > 0 && now - (times[this.#head] as number) >= this.#windowMs) {
      this.#head = this.#head + 1 === times.length ? 0 : this.#head + 1;
      this.#count -= 1;
    }
    if (this.#count >= this.#limit) return false;
    if (this.#count === times.length) {
      const grown = new Array<number>(this.#count + 1);
      for (let i = 0; i < this.#count; i++)
        grown[i] = times[(this.#head + i) % times.length] as number;
      times = grown;
      this.#times = grown;
      this.#head = 0;
    }
    times[(this.#head + this.#count) % times.length] = now;
    this.#count += 1;
    return true;
  }
}
