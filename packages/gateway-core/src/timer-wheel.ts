import type { Clock, Scheduler } from '@guildkit/snowflake';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from './internal/system-time.js';

/** Options for {@link TimerWheel}. */
export interface TimerWheelOptions {
  /**
   * The wheel's resolution: a deadline fires on the first tick at or after it.
   * @defaultValue 1000
   */
  readonly tickMs?: number;
  /**
   * Number of slots; deadlines further than `slots * tickMs` away wait in their slot for
   * extra turns.
   * @defaultValue 512
   */
  readonly slots?: number;
  /** Time source. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /** Drives the ticks. @defaultValue the platform's `setTimeout` */
  readonly scheduler?: Scheduler;
  /**
   * Receives what a timer callback throws; the other due timers still fire.
   * @defaultValue rethrow the first error once the tick has run every due timer
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * Defaults of {@link TimerWheelOptions}: one-second resolution suits heartbeat deadlines of
 * tens of seconds (Discord's interval is 41.25 s).
 *
 * @example
 * ```ts
 * import { DEFAULT_TIMER_WHEEL_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_TIMER_WHEEL_OPTIONS.tickMs; // 1000
 * ```
 */
export const DEFAULT_TIMER_WHEEL_OPTIONS = {
  tickMs: 1000,
  slots: 512,
} as const satisfies Required<Pick<TimerWheelOptions, 'tickMs' | 'slots'>>;

/** A scheduled timer; pass it back to {@link TimerWheel.cancel} or {@link TimerWheel.reschedule}. */
export interface TimerHandle {
  /** The deadline in ms, on the wheel's clock. */
  readonly deadlineMs: number;
}

class Timer implements TimerHandle {
  deadlineMs: number;
  dueTick: number;
  slot: Set<Timer> | undefined;
  readonly callback: () => void;

  constructor(deadlineMs: number, callback: () => void) {
    this.deadlineMs = deadlineMs;
    this.dueTick = 0;
    this.slot = undefined;
    this.callback = callback;
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `${name} must be a positive safe integer, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * One hashed timer wheel for the deadlines of many sessions (heartbeat timeouts, resume
 * windows): schedule, cancel and reschedule are O(1), and the whole wheel holds a single
 * platform timer, armed only while some deadline is pending. A deadline fires exactly once,
 * never before it, and at most one tick after it (a deadline already past when scheduled
 * fires on the next tick).
 *
 * ```
 * slot = dueTick % slots           dueTick = ceil(deadlineMs / tickMs)
 * tick T runs slot T % slots and fires the timers whose dueTick <= T
 * ```
 *
 * @example
 * ```ts
 * import { TimerWheel } from '@guildkit/gateway-core';
 *
 * const wheel = new TimerWheel();
 * const zombie = wheel.schedule(Date.now() + 41_250 * 1.5, () => session.close(4009));
 * // on each HEARTBEAT:
 * wheel.reschedule(zombie, Date.now() + 41_250 * 1.5);
 * ```
 */
export class TimerWheel {
  readonly #tickMs: number;
  readonly #slots: Set<Timer>[];
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #onError: ((error: unknown) => void) | undefined;
  #processedTick: number;
  #size = 0;
  #cancelTick: (() => void) | undefined;
  #closed = false;

  /**
   * @param options - resolution, size, and the injected clock and scheduler.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `tickMs` or `slots` is not a
   * positive safe integer.
   */
  constructor(options: TimerWheelOptions = {}) {
    this.#tickMs = positiveInteger('tickMs', options.tickMs ?? DEFAULT_TIMER_WHEEL_OPTIONS.tickMs);
    const slots = positiveInteger('slots', options.slots ?? DEFAULT_TIMER_WHEEL_OPTIONS.slots);
    this.#slots = Array.from({ length: slots }, () => new Set<Timer>());
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.#onError = options.onError;
    this.#processedTick = Math.floor(this.#clock.now() / this.#tickMs);
  }

  /** How many timers are pending. */
  get size(): number {
    return this.#size;
  }

  /**
   * Schedules `callback` for `deadlineMs`.
   *
   * @param deadlineMs - when to fire, in ms on the wheel's clock.
   * @param callback - what to run; runs once unless cancelled.
   * @returns a handle for {@link cancel} and {@link reschedule}.
   * @throws GatewayError `GK_GATEWAY_INVALID_DEADLINE` when `deadlineMs` is not finite;
   * `GK_GATEWAY_CLOSED` after {@link close}.
   */
  schedule(deadlineMs: number, callback: () => void): TimerHandle {
    const timer = new Timer(deadlineMs, callback);
    this.#insert(timer, deadlineMs);
    return timer;
  }

  /**
   * Moves a pending timer to a new deadline (e.g. on every HEARTBEAT), or re-arms one that
   * fired or was cancelled.
   *
   * @param handle - a handle from {@link schedule}.
   * @param deadlineMs - the new deadline.
   * @throws GatewayError `GK_GATEWAY_INVALID_DEADLINE` when `deadlineMs` is not finite;
   * `GK_GATEWAY_CLOSED` after {@link close}.
   */
  reschedule(handle: TimerHandle, deadlineMs: number): void {
    const timer = handle as Timer;
    this.#assertSchedulable(deadlineMs);
    this.#remove(timer);
    this.#insert(timer, deadlineMs);
  }

  /**
   * Cancels a pending timer.
   *
   * @param handle - a handle from {@link schedule}.
   * @returns `true` when the timer was pending, `false` when it had fired or was cancelled.
   */
  cancel(handle: TimerHandle): boolean {
    const removed = this.#remove(handle as Timer);
    if (this.#size === 0) this.#disarm();
    return removed;
  }

  /** Cancels every pending timer and the tick; the wheel accepts no new timers. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) {
      for (const timer of slot) timer.slot = undefined;
      slot.clear();
    }
    this.#size = 0;
    this.#disarm();
  }

  #assertSchedulable(deadlineMs: number): void {
    if (this.#closed) throw new GatewayError(GatewayErrorCode.Closed, 'the timer wheel is closed');
    if (!Number.isFinite(deadlineMs)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidDeadline,
        `deadlineMs must be finite, got ${String(deadlineMs)}`,
      );
    }
  }

  #insert(timer: Timer, deadlineMs: number): void {
    this.#assertSchedulable(deadlineMs);
    if (this.#size === 0 && this.#cancelTick === undefined) {
      // An idle wheel has no tick armed; skip the empty ticks instead of walking them later.
      this.#processedTick = Math.max(
        this.#processedTick,
        Math.floor(this.#clock.now() / this.#tickMs),
      );
    }
    timer.deadlineMs = deadlineMs;
    timer.dueTick = Math.max(Math.ceil(deadlineMs / this.#tickMs), this.#processedTick + 1);
    const slot = this.#slots[timer.dueTick % this.#slots.length]!;
    slot.add(timer);
    timer.slot = slot;
    this.#size++;
    this.#arm();
  }

  #remove(timer: Timer): boolean {
    if (timer.slot === undefined) return false;
    timer.slot.delete(timer);
    timer.slot = undefined;
    this.#size--;
    return true;
  }

  #arm(): void {
    if (this.#cancelTick !== undefined || this.#size === 0) return;
    const nextTickAt = (this.#processedTick + 1) * this.#tickMs;
    const delay = Math.max(0, nextTickAt - this.#clock.now());
    this.#cancelTick = this.#scheduler.setTimeout(() => this.#onTick(), delay);
  }

  #disarm(): void {
    this.#cancelTick?.();
    this.#cancelTick = undefined;
  }

  #onTick(): void {
    this.#cancelTick = undefined;
    const currentTick = Math.floor(this.#clock.now() / this.#tickMs);
    const due: Timer[] = [];
    // Catch up on every tick since the last run, but never walk more than one turn of slots.
    const lastTick = Math.min(currentTick, this.#processedTick + this.#slots.length);
    for (let tick = this.#processedTick + 1; tick <= lastTick; tick++) {
      for (const timer of this.#slots[tick % this.#slots.length]!) {
        if (timer.dueTick <= currentTick) due.push(timer);
      }
    }
    this.#processedTick = Math.max(this.#processedTick, currentTick);
    try {
      this.#fire(due, currentTick);
    } finally {
      this.#arm();
    }
  }

  #fire(due: readonly Timer[], currentTick: number): void {
    let firstError: { error: unknown } | undefined;
    for (const timer of due) {
      // An earlier callback of this tick may have cancelled or rescheduled this timer.
      if (timer.slot === undefined || timer.dueTick > currentTick) continue;
      this.#remove(timer);
      try {
        timer.callback();
      } catch (error) {
        if (this.#onError !== undefined) this.#onError(error);
        else firstError ??= { error };
      }
    }
    if (firstError !== undefined) throw firstError.error;
  }
}
