/**
 * Maps the sequence numbers and timestamps of one source stream after another onto a single
 * outgoing RTP stream (one receive slot), so the receiver sees one contiguous stream.
 *
 * Within a source, output = input + a constant offset (mod 2^16 for sequence numbers, 2^32 for
 * timestamps), so gaps and reordering pass through unchanged. After {@link SequenceRewriter.rebase}
 * the next packet, whatever its own numbers, gets the sequence number after the last one sent and a
 * timestamp advanced by the wall-clock time since the last packet (at least one tick), and the new
 * offsets hold from there. The first packet ever keeps its numbers.
 *
 * Results are read from {@link SequenceRewriter.sequenceNumber} and
 * {@link SequenceRewriter.timestamp} after each {@link SequenceRewriter.rewrite}, so forwarding a
 * packet allocates nothing.
 *
 * @example
 * ```ts
 * const rewriter = new SequenceRewriter(48_000);
 * rewriter.rewrite(100, 9_600, now); // 100, 9600: the first source passes through
 * rewriter.rebase();
 * rewriter.rewrite(7, 480, now + 20); // 101, 10560: 20 ms later at 48 kHz
 * ```
 */
export class SequenceRewriter {
  readonly #ticksPerMs: number;
  #sequenceOffset = 0;
  #timestampOffset = 0;
  #sequenceNumber = 0;
  #timestamp = 0;
  #lastAt = 0;
  #started = false;
  #rebase = false;

  /**
   * @param clockRate - the RTP clock rate of the stream, e.g. 48 000 for Opus.
   */
  constructor(clockRate: number) {
    this.#ticksPerMs = clockRate / 1000;
  }

  /** The output sequence number of the last rewritten packet. */
  get sequenceNumber(): number {
    return this.#sequenceNumber;
  }

  /** The output timestamp of the last rewritten packet. */
  get timestamp(): number {
    return this.#timestamp;
  }

  /** Makes the next packet start a new source, continuing the outgoing stream. */
  rebase(): void {
    this.#rebase = true;
  }

  /**
   * Maps one packet's numbers; read the result from `sequenceNumber` and `timestamp`.
   *
   * @param sequenceNumber - the source packet's sequence number (0 … 2^16 - 1).
   * @param timestamp - the source packet's timestamp (0 … 2^32 - 1).
   * @param now - the current time in ms, used to advance the timestamp across a rebase.
   */
  rewrite(sequenceNumber: number, timestamp: number, now: number): void {
    if (this.#rebase && this.#started) {
      const elapsedTicks = Math.max(1, Math.round((now - this.#lastAt) * this.#ticksPerMs));
      this.#sequenceOffset = (this.#sequenceNumber + 1 - sequenceNumber) & 0xffff;
      this.#timestampOffset = (this.#timestamp + elapsedTicks - timestamp) >>> 0;
    }
    this.#rebase = false;
    this.#started = true;
    this.#lastAt = now;
    this.#sequenceNumber = (sequenceNumber + this.#sequenceOffset) & 0xffff;
    this.#timestamp = (timestamp + this.#timestampOffset) >>> 0;
  }
}
