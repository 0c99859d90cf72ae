import { GatewayError, GatewayErrorCode } from './errors.js';

/** Options for {@link ReplayBuffer}. */
export interface ReplayBufferOptions {
  /**
   * How many of the most recent dispatch frames a session keeps for RESUME.
   * @defaultValue 1000
   */
  readonly capacity?: number;
}

/**
 * Defaults of {@link ReplayBufferOptions}. Discord does not document its window; 1000
 * dispatches covers a short reconnect of a busy bot.
 *
 * @example
 * ```ts
 * import { DEFAULT_REPLAY_BUFFER_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_REPLAY_BUFFER_OPTIONS.capacity; // 1000
 * ```
 */
export const DEFAULT_REPLAY_BUFFER_OPTIONS = {
  capacity: 1000,
} as const satisfies Required<ReplayBufferOptions>;

/**
 * A session's bounded buffer of its recent dispatches, for RESUME. Sequences are contiguous
 * (1, 2, 3, …), as Discord numbers a session's dispatches; when the buffer is full the oldest
 * entry is dropped. Push and lookup are O(1) (a ring); {@link since} copies only the missed
 * entries. An entry is whatever replays a dispatch: a frame string, or (as `GatewaySession`
 * keeps it) the `PreparedDispatch` that every session of a fan-out shares, so a session's
 * buffer costs a pointer per dispatch rather than a copy of the frame.
 *
 * @example
 * ```ts
 * import { ReplayBuffer } from '@guildkit/gateway-core';
 *
 * const buffer = new ReplayBuffer({ capacity: 2 });
 * buffer.push(1, '{"op":0,"t":"A","s":1,"d":{}}');
 * buffer.push(2, '{"op":0,"t":"B","s":2,"d":{}}');
 * buffer.push(3, '{"op":0,"t":"C","s":3,"d":{}}');
 * buffer.since(1); // the frames of 2 and 3
 * buffer.since(0); // undefined: seq 1 was dropped, answer INVALID_SESSION(false)
 * ```
 */
export class ReplayBuffer<Entry = string> {
  readonly #frames: (Entry | undefined)[];
  readonly #capacity: number;
  #lastSeq = 0;
  #size = 0;

  /**
   * @param options - the buffer's capacity.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `capacity` is not a positive safe
   * integer.
   */
  constructor(options: ReplayBufferOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_REPLAY_BUFFER_OPTIONS.capacity;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `capacity must be a positive safe integer, got ${String(capacity)}`,
      );
    }
    this.#capacity = capacity;
    // Grows with the frames pushed (up to `capacity`) instead of reserving the whole ring: an
    // idle session holds a few frames, and 1000 empty slots would cost it ~8 KB of heap.
    this.#frames = [];
  }

  /** The sequence of the newest frame, or 0 before the first push. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** How many frames the buffer holds (at most its capacity). */
  get size(): number {
    return this.#size;
  }

  /**
   * Records the frame just sent with sequence `seq`.
   *
   * @param seq - the frame's sequence: exactly {@link lastSeq} + 1.
   * @param frame - what replays the dispatch (its frame, or its shared prepared dispatch).
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not `lastSeq + 1`.
   */
  push(seq: number, frame: Entry): void {
    if (seq !== this.#lastSeq + 1) {
      throw new GatewayError(
        GatewayErrorCode.InvalidSequence,
        `expected sequence ${this.#lastSeq + 1}, got ${String(seq)}`,
      );
    }
    this.#frames[seq % this.#capacity] = frame;
    this.#lastSeq = seq;
    if (this.#size < this.#capacity) this.#size++;
  }

  /**
   * The frames a client that last saw `lastSeq` has missed, oldest first. Never throws.
   *
   * @param lastSeq - the `seq` of the client's RESUME.
   * @returns the entries with sequences `lastSeq + 1 ..= this.lastSeq` (empty when the client
   * is up to date), or `undefined` when some of them are no longer buffered or `lastSeq` is not
   * an integer in `0 ..= this.lastSeq`: the session cannot be resumed.
   */
  since(lastSeq: number): Entry[] | undefined {
    if (!Number.isInteger(lastSeq) || lastSeq > this.#lastSeq) return undefined;
    const earliestResumable = this.#lastSeq - this.#size;
    if (lastSeq < earliestResumable) return undefined;
    const missed = new Array<Entry>(this.#lastSeq - lastSeq);
    for (let seq = lastSeq + 1, i = 0; seq <= this.#lastSeq; seq++, i++) {
      missed[i] = this.#frames[seq % this.#capacity]!;
    }
    return missed;
  }
}
