import { GatewayClientError, GatewayClientErrorCode } from './errors.js';

/** Options of the client's outgoing frame budget (Discord: 120 frames per 60 s per connection). */
export interface SendRateLimitOptions {
  /** Frames allowed in any window. @defaultValue 120 */
  readonly limit?: number;
  /** The window length. @defaultValue 60000 */
  readonly windowMs?: number;
  /**
   * Slots of the budget that `send()` may not use, kept for heartbeats, IDENTIFY and RESUME.
   * @defaultValue 4
   */
  readonly reserved?: number;
}

/**
 * Defaults of {@link SendRateLimitOptions}.
 *
 * @example
 * ```ts
 * DEFAULT_SEND_RATE_LIMIT_OPTIONS.limit; // 120
 * ```
 */
export const DEFAULT_SEND_RATE_LIMIT_OPTIONS = {
  limit: 120,
  windowMs: 60_000,
  reserved: 4,
} as const satisfies Required<SendRateLimitOptions>;

/**
 * Checks send budget options and fills in the defaults.
 *
 * @param options - the caller's options.
 * @returns the complete options.
 * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_OPTION` unless `0 <= reserved < limit`
 * are integers and `windowMs` is positive and finite.
 */
export function resolveSendRateLimit(
  options: SendRateLimitOptions = {},
): Required<SendRateLimitOptions> {
  const limit = options.limit ?? DEFAULT_SEND_RATE_LIMIT_OPTIONS.limit;
  const windowMs = options.windowMs ?? DEFAULT_SEND_RATE_LIMIT_OPTIONS.windowMs;
  const reserved = options.reserved ?? DEFAULT_SEND_RATE_LIMIT_OPTIONS.reserved;
  if (
    !Number.isSafeInteger(limit) ||
    !Number.isSafeInteger(reserved) ||
    reserved < 0 ||
    reserved >= limit ||
    !Number.isFinite(windowMs) ||
    windowMs <= 0
  ) {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidOption,
      `rate limit needs integers 0 <= reserved < limit and windowMs > 0; got ${limit}, ${reserved}, ${windowMs}`,
    );
  }
  return { limit, windowMs, reserved };
}

/**
 * Counts the frames one connection sends in a sliding window, the way the server does, so the
 * client never earns close 4008. The client's own frames (heartbeats, IDENTIFY, RESUME) are
 * always {@link record}ed; {@link tryAcquire} refuses an application frame that would eat
 * into the reserve kept for them.
 */
export class SendRateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #reserved: number;
  #times: number[] = [];

  /**
   * @param options - the budget, checked by {@link resolveSendRateLimit}.
   */
  constructor(options: Required<SendRateLimitOptions>) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#reserved = options.reserved;
  }

  /**
   * Records a frame the client must send regardless of the budget.
   *
   * @param now - the current time in ms.
   */
  record(now: number): void {
    this.#prune(now);
    this.#times.push(now);
  }

  /**
   * Takes one slot for an application frame if the budget minus the reserve allows it.
   *
   * @param now - the current time in ms.
   * @returns `0` when the slot was taken, else the ms until one frees up.
   */
  tryAcquire(now: number): number {
    this.#prune(now);
    const usable = this.#limit - this.#reserved;
    if (this.#times.length < usable) {
      this.#times.push(now);
      return 0;
    }
    const freedBy = this.#times[this.#times.length - usable]!;
    return Math.max(1, freedBy + this.#windowMs - now);
  }

  #prune(now: number): void {
    let expired = 0;
    while (expired < this.#times.length && now - this.#times[expired]! >= this.#windowMs) expired++;
    if (expired > 0) this.#times = this.#times.slice(expired);
  }
}
