import type { RtpPacket } from 'werift';

/** Packets kept for retransmission per outgoing stream, as werift keeps per sender. */
export const PACKET_HISTORY_SIZE = 128;

/**
 * The last {@link PACKET_HISTORY_SIZE} packets sent on one outgoing stream, by output sequence
 * number, for answering NACKs. Each entry is the source packet (never mutated once received) plus
 * the output sequence number and timestamp it was sent with, so a retransmission rebuilds exactly
 * the bytes first sent. Storing a packet allocates nothing.
 *
 * @example
 * ```ts
 * const history = new PacketHistory();
 * history.store(source, 101, 10_560);
 * history.find(101); // source; read the timestamp with timestampAt(101)
 * ```
 */
export class PacketHistory {
  readonly #packets: Array<RtpPacket | undefined> = new Array(PACKET_HISTORY_SIZE).fill(undefined);
  readonly #sequenceNumbers = new Uint16Array(PACKET_HISTORY_SIZE);
  readonly #timestamps = new Uint32Array(PACKET_HISTORY_SIZE);

  /**
   * @param packet - the source packet.
   * @param sequenceNumber - the output sequence number it was sent with.
   * @param timestamp - the output timestamp it was sent with.
   */
  store(packet: RtpPacket, sequenceNumber: number, timestamp: number): void {
    const index = sequenceNumber % PACKET_HISTORY_SIZE;
    this.#packets[index] = packet;
    this.#sequenceNumbers[index] = sequenceNumber;
    this.#timestamps[index] = timestamp;
  }

  /**
   * @param sequenceNumber - an output sequence number.
   * @returns the source packet sent under it, if still kept.
   */
  find(sequenceNumber: number): RtpPacket | undefined {
    const index = sequenceNumber % PACKET_HISTORY_SIZE;
    return this.#sequenceNumbers[index] === sequenceNumber ? this.#packets[index] : undefined;
  }

  /**
   * @param sequenceNumber - an output sequence number that {@link PacketHistory.find} found.
   * @returns the output timestamp it was sent with.
   */
  timestampAt(sequenceNumber: number): number {
    return this.#timestamps[sequenceNumber % PACKET_HISTORY_SIZE] ?? 0;
  }
}
