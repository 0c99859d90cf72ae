import { GatewayError, GatewayErrorCode } from '../errors.js';

/** Options for {@link ReorderBuffer}. */
export interface ReorderBufferOptions {
  /**
   * How long a missing sequence is waited for, counted from the arrival of the earliest event
   * held behind it. Then it is skipped and reported as a gap.
   * @defaultValue 1000
   */
  readonly windowMs?: number;
  /**
   * How many out-of-order events may be held. One more, and the lowest missing sequences are
   * skipped at once (reported as an `overflow` gap).
   * @defaultValue 1024
   */
  readonly maxBuffered?: number;
  /**
   * The sequence expected first. Without it, the first pushed sequence starts the stream (a
   * subscriber joining mid-stream cannot know what came before).
   */
  readonly firstSeq?: number;
}

/**
 * Defaults of {@link ReorderBufferOptions}. One second covers a publisher's reconnect on a
 * local network; 1024 events bound the memory a stalled stream holds.
 *
 * @example
 * ```ts
 * import { DEFAULT_REORDER_BUFFER_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_REORDER_BUFFER_OPTIONS.windowMs; // 1000
 * ```
 */
export const DEFAULT_REORDER_BUFFER_OPTIONS = {
  windowMs: 1000,
  maxBuffered: 1024,
} as const satisfies Required<Omit<ReorderBufferOptions, 'firstSeq'>>;

/**
 * Why sequences were skipped: `timeout` (they did not arrive within the window), `overflow`
 * (too many later events were held) or `superseded` (the stream was flushed, e.g. because its
 * publisher restarted).
 */
export type GapReason = 'timeout' | 'overflow' | 'superseded';

/** A run of sequences that were never delivered. */
export interface SequenceGap {
  /** The first missing sequence. */
  readonly fromSeq: number;
  /** The last missing sequence (inclusive). */
  readonly toSeq: number;
  /** Why they were given up on. */
  readonly reason: GapReason;
}

/** Where a {@link ReorderBuffer} sends its output, strictly in sequence order. */
export interface ReorderSink<T> {
  /** Receives the next event in order. */
  deliver(seq: number, item: T): void;
  /** Learns that a run of sequences will never be delivered. */
  skip(gap: SequenceGap): void;
}

/** What {@link ReorderBuffer.push} did with an event. */
export type PushOutcome = 'delivered' | 'buffered' | 'duplicate';

interface Arrival {
  readonly seq: number;
  readonly at: number;
}

/**
 * Turns one stream of numbered events (1, 2, 3, … as a publisher numbered them) that may arrive
 * out of order, twice or not at all into an in-order, duplicate-free output. An event ahead of
 * the next expected sequence is held until the missing ones arrive or until `windowMs` after
 * the earliest held event arrived; then the missing run is skipped and reported
 * ({@link ReorderSink.skip}). Everything a sink receives is strictly increasing, and every
 * sequence from the first to the last output is either delivered once or inside one gap.
 *
 * Pure: time is passed in (`now`, non-decreasing); the caller arms a timer for
 * {@link ReorderBuffer.deadline} and calls {@link ReorderBuffer.expire}.
 *
 * @example
 * ```ts
 * import { ReorderBuffer } from '@guildkit/gateway-core';
 *
 * const out: string[] = [];
 * const buffer = new ReorderBuffer<string>(
 *   { deliver: (seq, item) => out.push(item), skip: (gap) => out.push(`gap ${gap.fromSeq}`) },
 *   { windowMs: 500, firstSeq: 1 },
 * );
 * buffer.push(2, 'b', 0); // 'buffered'
 * buffer.push(1, 'a', 10); // 'delivered': out = ['a', 'b']
 * buffer.push(4, 'd', 20); // 'buffered', deadline 520
 * buffer.expire(520); // out = ['a', 'b', 'gap 3', 'd']
 * ```
 */
export class ReorderBuffer<T> {
  readonly #sink: ReorderSink<T>;
  readonly #windowMs: number;
  readonly #maxBuffered: number;
  readonly #held = new Map<number, T>();
  #arrivals: Arrival[] = [];
  #arrivalsHead = 0;
  #next: number | undefined;

  /**
   * @param sink - receives the in-order output.
   * @param options - the window, the hold limit and the first sequence.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `windowMs` is not a finite number
   * ≥ 0, or `maxBuffered` or `firstSeq` is not a positive safe integer.
   */
  constructor(sink: ReorderSink<T>, options: ReorderBufferOptions = {}) {
    checkReorderBufferOptions(options);
    this.#sink = sink;
    this.#windowMs = options.windowMs ?? DEFAULT_REORDER_BUFFER_OPTIONS.windowMs;
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_REORDER_BUFFER_OPTIONS.maxBuffered;
    this.#next = options.firstSeq;
  }

  /** The sequence delivered next, or `undefined` before the first push without `firstSeq`. */
  get nextSeq(): number | undefined {
    return this.#next;
  }

  /** How many out-of-order events are held. */
  get buffered(): number {
    return this.#held.size;
  }

  /**
   * When the earliest held event has waited `windowMs`: call {@link expire} then.
   *
   * @returns that time, or `undefined` when nothing is held.
   */
  get deadline(): number | undefined {
    const arrival = this.#oldestArrival();
    return arrival === undefined ? undefined : arrival.at + this.#windowMs;
  }

  /**
   * Accepts one event.
   *
   * @param seq - its sequence, a positive safe integer.
   * @param item - the event.
   * @param now - the current time in ms.
   * @returns `delivered` (it and any held successors went to the sink), `buffered` (held until
   * the missing sequences before it arrive or time out) or `duplicate` (already delivered,
   * skipped or held: dropped).
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not a positive safe
   * integer.
   */
  push(seq: number, item: T, now: number): PushOutcome {
    if (!isPositiveSafeInteger(seq)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidSequence,
        `a stream sequence must be a positive safe integer, got ${String(seq)}`,
      );
    }
    this.#next ??= seq;
    if (seq < this.#next || this.#held.has(seq)) return 'duplicate';
    if (seq > this.#next) {
      this.#held.set(seq, item);
      this.#arrivals.push({ seq, at: now });
      while (this.#held.size > this.#maxBuffered) this.#skipToLowestHeld('overflow');
      return 'buffered';
    }
    this.#next = seq + 1;
    this.#sink.deliver(seq, item);
    this.#drain();
    return 'delivered';
  }

  /**
   * Gives up on every missing sequence whose wait is over: each run is reported, then the held
   * events behind it are delivered.
   *
   * @param now - the current time in ms.
   */
  expire(now: number): void {
    for (let deadline = this.deadline; deadline !== undefined && now >= deadline; ) {
      this.#skipToLowestHeld('timeout');
      deadline = this.deadline;
    }
  }

  /**
   * Gives up on every missing sequence now and delivers everything held.
   *
   * @param reason - how the gaps are reported.
   */
  flush(reason: GapReason): void {
    while (this.#held.size > 0) this.#skipToLowestHeld(reason);
  }

  #skipToLowestHeld(reason: GapReason): void {
    let lowest = Number.POSITIVE_INFINITY;
    for (const seq of this.#held.keys()) if (seq < lowest) lowest = seq;
    const fromSeq = this.#next!;
    this.#next = lowest;
    this.#sink.skip({ fromSeq, toSeq: lowest - 1, reason });
    this.#drain();
  }

  #drain(): void {
    for (;;) {
      const seq = this.#next!;
      if (!this.#held.has(seq)) break;
      const item = this.#held.get(seq) as T;
      this.#held.delete(seq);
      this.#next = seq + 1;
      this.#sink.deliver(seq, item);
    }
    if (this.#held.size === 0 && this.#arrivals.length > 0) {
      this.#arrivals = [];
      this.#arrivalsHead = 0;
    }
  }

  /** The earliest arrival still held; delivered entries are dropped from the queue lazily. */
  #oldestArrival(): Arrival | undefined {
    const arrivals = this.#arrivals;
    while (this.#arrivalsHead < arrivals.length) {
      const arrival = arrivals[this.#arrivalsHead]!;
      if (this.#held.has(arrival.seq)) break;
      this.#arrivalsHead++;
    }
    if (this.#arrivalsHead === arrivals.length) {
      this.#arrivals = [];
      this.#arrivalsHead = 0;
      return undefined;
    }
    if (this.#arrivalsHead > 1024 && this.#arrivalsHead * 2 > arrivals.length) {
      this.#arrivals = arrivals.slice(this.#arrivalsHead);
      this.#arrivalsHead = 0;
    }
    return this.#arrivals[this.#arrivalsHead];
  }
}

/**
 * Validates {@link ReorderBufferOptions} without building a buffer.
 *
 * @param options - the options.
 * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `windowMs` is not a finite number
 * ≥ 0, or `maxBuffered` or `firstSeq` is not a positive safe integer.
 */
export function checkReorderBufferOptions(options: ReorderBufferOptions): void {
  const { windowMs, maxBuffered, firstSeq } = options;
  if (windowMs !== undefined && !(Number.isFinite(windowMs) && windowMs >= 0)) {
    throw invalidOption(`windowMs must be a finite number >= 0, got ${String(windowMs)}`);
  }
  if (maxBuffered !== undefined && !isPositiveSafeInteger(maxBuffered)) {
    throw invalidOption(`maxBuffered must be a positive safe integer, got ${String(maxBuffered)}`);
  }
  if (firstSeq !== undefined && !isPositiveSafeInteger(firstSeq)) {
    throw invalidOption(`firstSeq must be a positive safe integer, got ${String(firstSeq)}`);
  }
}

function isPositiveSafeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}

function invalidOption(message: string): GatewayError {
  return new GatewayError(GatewayErrorCode.InvalidOption, message);
}
