import type { Clock, Scheduler } from './time.js';

/** Options of a {@link Heartbeater}. */
export interface HeartbeaterOptions {
  /** HELLO's `heartbeat_interval`. */
  readonly intervalMs: number;
  /** Measures the ping. */
  readonly clock: Clock;
  /** Runs the heartbeat timer. */
  readonly scheduler: Scheduler;
  /** The jitter draw in `[0, 1)` for the first heartbeat. */
  readonly random: () => number;
  /** Sends one HEARTBEAT (op 1) with the last sequence number. */
  readonly send: () => void;
  /** Called (once) when a heartbeat is due but the previous one was never acknowledged. */
  readonly onZombie: () => void;
}

/**
 * One connection's heartbeat loop, as Discord documents it: the first HEARTBEAT after
 * `intervalMs * jitter`, then one every `intervalMs`. A heartbeat that falls due while the
 * previous one is unacknowledged means the connection is a zombie: the loop stops and calls
 * `onZombie` instead of sending.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#sending-heartbeats | Discord: sending heartbeats}
 */
export class Heartbeater {
  readonly #options: HeartbeaterOptions;
  #cancel: (() => void) | undefined;
  #acked = true;
  #sentAt = 0;

  /**
   * @param options - the interval, time sources and callbacks.
   */
  constructor(options: HeartbeaterOptions) {
    this.#options = options;
  }

  /** Schedules the first heartbeat after `intervalMs * jitter`. */
  start(): void {
    this.#schedule(Math.floor(this.#options.intervalMs * this.#options.random()));
  }

  /** Sends a heartbeat now, e.g. because the server asked with op 1; it must be acknowledged too. */
  beat(): void {
    this.#acked = false;
    this.#sentAt = this.#options.clock.now();
    this.#options.send();
  }

  /**
   * Records a HEARTBEAT_ACK.
   *
   * @returns the ms since the heartbeat it acknowledges, or `undefined` for an unsolicited ack.
   */
  ack(): number | undefined {
    if (this.#acked) return undefined;
    this.#acked = true;
    return this.#options.clock.now() - this.#sentAt;
  }

  /** Cancels the loop; idempotent. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #schedule(delayMs: number): void {
    this.#cancel = this.#options.scheduler.setTimeout(() => this.#tick(), delayMs);
  }

  #tick(): void {
    this.#cancel = undefined;
    if (!this.#acked) {
      this.#options.onZombie();
      return;
    }
    this.beat();
    this.#schedule(this.#options.intervalMs);
  }
}
