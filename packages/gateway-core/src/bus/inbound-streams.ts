import type { Clock, Scheduler } from '@guildkit/snowflake';
import type { BusEnvelope } from './envelope.js';
import type { BusGap } from './event-bus.js';
import { type PushOutcome, ReorderBuffer } from './reorder-buffer.js';

/** What {@link InboundStreams} needs from its bus. */
export interface InboundStreamsOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly windowMs: number;
  readonly maxBuffered: number;
  /** Receives each stream's events in order. */
  readonly deliver: (envelope: BusEnvelope) => void;
  /** Learns of each gap. */
  readonly gap: (gap: BusGap) => void;
  /** Runs a timer's work in the bus's delivery queue, so it never interleaves a delivery. */
  readonly enqueue: (task: () => void) => void;
}

interface Stream {
  readonly incarnation: number;
  readonly buffer: ReorderBuffer<BusEnvelope>;
}

/**
 * The receiving side of a bus: one {@link ReorderBuffer} per `(origin, guildId)` stream, the
 * incarnation rule (a greater one supersedes, a smaller one is stale) and the one timer that
 * expires every stream's reorder window.
 */
export class InboundStreams {
  readonly #options: InboundStreamsOptions;
  readonly #streams = new Map<string, Stream>();
  /** Streams holding out-of-order events, i.e. with a deadline. */
  readonly #waiting = new Set<Stream>();
  #timer: { readonly deadline: number; readonly cancel: () => void } | undefined;

  constructor(options: InboundStreamsOptions) {
    this.#options = options;
  }

  /** Out-of-order events held over all streams. */
  get buffered(): number {
    let held = 0;
    for (const stream of this.#waiting) held += stream.buffer.buffered;
    return held;
  }

  /**
   * Takes one received envelope.
   *
   * @returns `duplicate` when it was dropped (already seen, or from an older incarnation).
   */
  accept(envelope: BusEnvelope): PushOutcome {
    const key = `${envelope.origin}\u0000${envelope.guildId}`;
    let stream = this.#streams.get(key);
    if (stream !== undefined && envelope.incarnation < stream.incarnation) return 'duplicate';
    if (stream !== undefined && envelope.incarnation > stream.incarnation) {
      this.#waiting.delete(stream);
      stream.buffer.flush('superseded');
      stream = undefined;
    }
    if (stream === undefined) {
      stream = this.#open(envelope);
      this.#streams.set(key, stream);
    }
    const outcome = stream.buffer.push(envelope.seq, envelope, this.#options.clock.now());
    if (stream.buffer.buffered > 0) this.#waiting.add(stream);
    else this.#waiting.delete(stream);
    this.#arm();
    return outcome;
  }

  /**
   * Drops the streams of guilds nobody listens to any more, with whatever they hold.
   *
   * @param keep - whether a guild is still subscribed.
   */
  forget(keep: (guildId: string) => boolean): void {
    for (const [key, stream] of this.#streams) {
      const guildId = key.slice(key.lastIndexOf('\u0000') + 1);
      if (keep(guildId)) continue;
      this.#streams.delete(key);
      this.#waiting.delete(stream);
    }
    this.#arm();
  }

  /** Drops every stream and cancels the timer. */
  clear(): void {
    this.#streams.clear();
    this.#waiting.clear();
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #open(first: BusEnvelope): Stream {
    const { origin, guildId, incarnation } = first;
    const options = this.#options;
    const buffer = new ReorderBuffer<BusEnvelope>(
      {
        deliver: (_seq, envelope) => options.deliver(envelope),
        skip: (gap) => options.gap({ guildId, origin, incarnation, ...gap }),
      },
      { windowMs: options.windowMs, maxBuffered: options.maxBuffered },
    );
    return { incarnation, buffer };
  }

  #earliestDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const stream of this.#waiting) {
      const deadline = stream.buffer.deadline;
      if (deadline !== undefined && (earliest === undefined || deadline < earliest)) {
        earliest = deadline;
      }
    }
    return earliest;
  }

  #arm(): void {
    const deadline = this.#earliestDeadline();
    if (this.#timer !== undefined) {
      if (this.#timer.deadline === deadline) return;
      this.#timer.cancel();
      this.#timer = undefined;
    }
    if (deadline === undefined) return;
    const delay = Math.max(0, deadline - this.#options.clock.now());
    const cancel = this.#options.scheduler.setTimeout(
      () => this.#options.enqueue(() => this.#expire()),
      delay,
    );
    this.#timer = { deadline, cancel };
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#options.clock.now();
    for (const stream of [...this.#waiting]) {
      stream.buffer.expire(now);
      if (stream.buffer.buffered === 0) this.#waiting.delete(stream);
    }
    this.#arm();
  }
}
