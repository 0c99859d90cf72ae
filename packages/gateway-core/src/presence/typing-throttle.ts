import type { Clock } from '@guildkit/snowflake';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { SYSTEM_CLOCK } from '../internal/system-time.js';

/** Options for {@link TypingThrottle}. */
export interface TypingThrottleOptions {
  /**
   * The shortest gap between two TYPING_STARTs of one user in one channel.
   * @defaultValue 5000
   */
  readonly intervalMs?: number;
  /** The time source. @defaultValue the system clock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link TypingThrottleOptions}. Discord's typing indicator expires after 10 s
 * (Trigger Typing Indicator); one event per 5 s per user and channel keeps it alive without a
 * gap while halving what a fast typist would otherwise send.
 *
 * @example
 * ```ts
 * import { DEFAULT_TYPING_THROTTLE_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_TYPING_THROTTLE_OPTIONS.intervalMs; // 5000
 * ```
 */
export const DEFAULT_TYPING_THROTTLE_OPTIONS = {
  intervalMs: 5000,
} as const satisfies Omit<Required<TypingThrottleOptions>, 'clock'>;

/**
 * Decides which typing triggers become TYPING_START dispatches: at most one per user per channel
 * per `intervalMs`. O(1) per call; entries older than the interval are swept at most once per
 * interval, so memory is bounded by the typists of the last two intervals.
 *
 * @example
 * ```ts
 * import { TypingThrottle } from '@guildkit/gateway-core';
 *
 * const typing = new TypingThrottle();
 * if (typing.typingStart(userId, channelId)) fanOut.dispatchToChannel(guildId, channelId, event);
 * ```
 */
export class TypingThrottle {
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #lastEmitted = new Map<string, number>();
  #lastSweep: number;

  /**
   * @param options - the interval and clock.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `intervalMs` is not a non-negative
   * finite number.
   */
  constructor(options: TypingThrottleOptions = {}) {
    const intervalMs = options.intervalMs ?? DEFAULT_TYPING_THROTTLE_OPTIONS.intervalMs;
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `intervalMs must be a non-negative finite number, got ${String(intervalMs)}`,
      );
    }
    this.#intervalMs = intervalMs;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#lastSweep = this.#clock.now();
  }

  /**
   * Records that `userId` started typing in `channelId`.
   *
   * @param userId - who types.
   * @param channelId - where.
   * @returns `true` when a TYPING_START should be dispatched, `false` when one was dispatched
   * for this user and channel less than `intervalMs` ago.
   */
  typingStart(userId: string, channelId: string): boolean {
    const now = this.#clock.now();
    this.#sweep(now);
    const key = `${userId}:${channelId}`;
    const last = this.#lastEmitted.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    this.#lastEmitted.set(key, now);
    return true;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#intervalMs) return;
    this.#lastSweep = now;
    for (const [key, last] of this.#lastEmitted) {
      if (now - last >= this.#intervalMs) this.#lastEmitted.delete(key);
    }
  }
}
