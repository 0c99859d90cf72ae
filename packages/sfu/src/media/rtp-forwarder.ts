import { RtpHeader, type RtpPacket } from 'werift';
import { ntpTimestamp } from './ntp-time.js';
import { PacketHistory } from './packet-history.js';
import { SequenceRewriter } from './sequence-rewriter.js';

/** How often an outgoing stream that is sending reports itself (RTCP SR), about as werift does. */
export const SENDER_REPORT_INTERVAL_MS = 1000;

/** The sender information of one RTCP sender report (RFC 3550 §6.4.1). */
export interface SenderReport {
  readonly ssrc: number;
  /** When the last packet was sent, as an NTP timestamp. */
  readonly ntpTimestamp: bigint;
  /** The RTP timestamp of the last packet sent. */
  readonly rtpTimestamp: number;
  /** Packets sent on this SSRC, mod 2^32 (retransmissions not counted). */
  readonly packetCount: number;
  /** Payload octets sent on this SSRC, mod 2^32. */
  readonly octetCount: number;
}

/** Where an {@link RtpForwarder} sends: one negotiated outgoing stream of a peer connection. */
export interface RtpSink {
  /** The stream's SSRC. */
  readonly ssrc: number;
  /** The negotiated payload type, or `undefined` while the stream cannot send. */
  readonly payloadType: number | undefined;
  /**
   * Protects and sends one packet. Must be done with `header` when it returns: the forwarder
   * reuses the object for the next packet.
   *
   * @param payload - the payload, never mutated.
   * @param header - the outgoing header.
   */
  sendRtp(payload: Buffer, header: RtpHeader): void;
  /** @param report - a sender report to send. */
  sendSenderReport(report: SenderReport): void;
  /** @param listener - called with the sequence numbers of every NACK the receiver sends. */
  onNack(listener: (sequenceNumbers: readonly number[]) => void): void;
}

/**
 * Forwards source packets onto one outgoing stream (a receive slot): its own SSRC and payload
 * type, sequence numbers and timestamps kept contiguous across sources by a
 * {@link SequenceRewriter}, NACKs answered from a {@link PacketHistory}, and a sender report every
 * {@link SENDER_REPORT_INTERVAL_MS} while packets flow. Header extensions, CSRCs and the marker
 * bit pass through as the source sent them (the werift backend negotiates one extension, the
 * audio level, under the same id in every section); padding is dropped. Forwarding a packet
 * allocates nothing: one header object is rewritten per packet and the source packet is shared
 * by every receiver, never copied.
 *
 * @example
 * ```ts
 * const forwarder = new RtpForwarder(sink, 48_000);
 * forwarder.forward(packet, clock.now());
 * forwarder.rebase(); // the slot now carries another source
 * ```
 */
export class RtpForwarder {
  readonly #sink: RtpSink;
  readonly #rewriter: SequenceRewriter;
  readonly #history = new PacketHistory();
  readonly #header = new RtpHeader();
  #packetCount = 0;
  #octetCount = 0;
  #lastSentAt = 0;
  /** When the next sender report is due, 0 before the first packet: always a number, never boxed. */
  #reportAt = 0;

  /**
   * @param sink - the outgoing stream.
   * @param clockRate - the stream's RTP clock rate (48 000 for Opus).
   */
  constructor(sink: RtpSink, clockRate: number) {
    this.#sink = sink;
    this.#rewriter = new SequenceRewriter(clockRate);
    sink.onNack((sequenceNumbers) => this.#retransmit(sequenceNumbers));
  }

  /** Makes the next packet start a new source: the outgoing stream continues where it was. */
  rebase(): void {
    this.#rewriter.rebase();
  }

  /**
   * Sends `packet` on the outgoing stream; dropped while the sink cannot send.
   *
   * @param packet - a source packet, not mutated.
   * @param now - the current wall-clock time in ms.
   */
  forward(packet: RtpPacket, now: number): void {
    const payloadType = this.#sink.payloadType;
    if (payloadType === undefined) return;
    const rewriter = this.#rewriter;
    rewriter.rewrite(packet.header.sequenceNumber, packet.header.timestamp, now);
    this.#send(packet, payloadType, rewriter.sequenceNumber, rewriter.timestamp);
    this.#history.store(packet, rewriter.sequenceNumber, rewriter.timestamp);
    this.#packetCount = (this.#packetCount + 1) >>> 0;
    this.#octetCount = (this.#octetCount + packet.payload.length) >>> 0;
    this.#lastSentAt = now;
    if (now >= this.#reportAt) this.#report(now);
  }

  #report(now: number): void {
    if (this.#reportAt === 0) {
      // Spread the first report by SSRC so slots bound together do not all report at once.
      this.#reportAt = now + (this.#sink.ssrc % SENDER_REPORT_INTERVAL_MS);
      return;
    }
    this.#reportAt = now + SENDER_REPORT_INTERVAL_MS;
    this.#sink.sendSenderReport({
      ssrc: this.#sink.ssrc,
      ntpTimestamp: ntpTimestamp(this.#lastSentAt),
      rtpTimestamp: this.#rewriter.timestamp,
      packetCount: this.#packetCount,
      octetCount: this.#octetCount,
    });
  }

  #retransmit(sequenceNumbers: readonly number[]): void {
    const payloadType = this.#sink.payloadType;
    if (payloadType === undefined) return;
    for (const sequenceNumber of sequenceNumbers) {
      const packet = this.#history.find(sequenceNumber);
      if (packet) {
        this.#send(packet, payloadType, sequenceNumber, this.#history.timestampAt(sequenceNumber));
      }
    }
  }

  #send(packet: RtpPacket, payloadType: number, sequenceNumber: number, timestamp: number): void {
    const source = packet.header;
    const header = this.#header;
    header.payloadType = payloadType;
    header.sequenceNumber = sequenceNumber;
    header.timestamp = timestamp;
    header.ssrc = this.#sink.ssrc;
    header.marker = source.marker;
    header.csrc = source.csrc;
    header.csrcLength = source.csrcLength;
    header.extension = source.extension;
    header.extensionProfile = source.extensionProfile;
    header.extensions = source.extensions;
    this.#sink.sendRtp(packet.payload, header);
  }
}
