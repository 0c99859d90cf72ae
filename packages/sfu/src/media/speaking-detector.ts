import type { Clock, Scheduler } from '@guildkit/snowflake';

interface SpeakerState {
  lastPacketAt: number;
  cancel: () => void;
}

/**
 * Turns audio packet arrivals into speaking on/off transitions: a peer is speaking from its first
 * packet until `timeoutMs` pass without one. One timer per speaking peer, re-armed lazily from the
 * clock rather than on every packet.
 *
 * @example
 * ```ts
 * const detector = new SpeakingDetector(200, clock, scheduler, (peerId, on) => emit(peerId, on));
 * detector.packet('alice'); // emits ('alice', true); ('alice', false) 200 ms after the last packet
 * ```
 */
export class SpeakingDetector {
  readonly #speakers = new Map<string, SpeakerState>();
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #onChange: (peerId: string, speaking: boolean) => void;

  /**
   * @param timeoutMs - silence after which a peer stops speaking.
   * @param clock - time source.
   * @param scheduler - timer source.
   * @param onChange - called on every transition, after the state is updated.
   */
  constructor(
    timeoutMs: number,
    clock: Clock,
    scheduler: Scheduler,
    onChange: (peerId: string, speaking: boolean) => void,
  ) {
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
    this.#scheduler = scheduler;
    this.#onChange = onChange;
  }

  /**
   * Records an audio packet from `peerId`.
   *
   * @param peerId - the sender.
   */
  packet(peerId: string): void {
    const now = this.#clock.now();
    const state = this.#speakers.get(peerId);
    if (state) {
      state.lastPacketAt = now;
      return;
    }
    const fresh: SpeakerState = { lastPacketAt: now, cancel: () => {} };
    this.#speakers.set(peerId, fresh);
    this.#arm(peerId, fresh, this.#timeoutMs);
    this.#onChange(peerId, true);
  }

  /**
   * Stops tracking `peerId`, ending its speaking (with a `false` transition) if it was.
   *
   * @param peerId - the peer.
   */
  stop(peerId: string): void {
    const state = this.#speakers.get(peerId);
    if (!state) return;
    state.cancel();
    this.#speakers.delete(peerId);
    this.#onChange(peerId, false);
  }

  /** Stops tracking everyone, without transitions. */
  clear(): void {
    for (const state of this.#speakers.values()) state.cancel();
    this.#speakers.clear();
  }

  #arm(peerId: string, state: SpeakerState, ms: number): void {
    state.cancel = this.#scheduler.setTimeout(() => {
      const silentMs = this.#clock.now() - state.lastPacketAt;
      if (silentMs < this.#timeoutMs) {
        this.#arm(peerId, state, this.#timeoutMs - silentMs);
        return;
      }
      this.#speakers.delete(peerId);
      this.#onChange(peerId, false);
    }, ms);
  }
}
