/**
 * The one place the SFU sends media below werift's `RTCRtpSender`, written against werift 0.24.4.
 *
 * `RTCRtpSender.sendRtp` costs an SFU more than it gives: per packet it reads an NTP clock into a
 * BigInt, rebuilds the header-extension list, updates a bandwidth estimator and chains several
 * promises, and it caches the packet object it was handed (so that object may never be reused).
 * This sink calls `RTCDtlsTransport.sendRtp` (SRTP + ICE) directly and sends its own sender
 * reports. It relies on two properties of werift 0.24.4 that its public types do not promise,
 * both checked by `test/integration/werift-rtp-sink.test.ts`:
 *
 * - `RTCDtlsTransport.sendRtp(payload, header)` serializes `header` before its first `await`, so
 *   the header object may be rewritten as soon as the call returns;
 * - its promise never rejects (send errors resolve to 0 bytes).
 *
 * What werift's sender no longer does for these streams: count them in its `getStats()`
 * outbound-rtp entry (`packetsSent`, `bytesSent`; the transport's counters still count them),
 * measure round-trip time from receiver reports, write the header extensions it generates (mid,
 * rid, transport-wide CC, abs-send-time: none is negotiated by the backend), and wrap
 * retransmissions in RTX or payloads in RED (neither is negotiated for Opus here).
 */
import {
  type RTCDtlsTransport,
  type RTCRtpSender,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  type RtpHeader,
  SourceDescriptionChunk,
  SourceDescriptionItem,
} from 'werift';
import type { RtpSink, SenderReport } from './rtp-forwarder.js';

/** RTCP SDES item type of the canonical name (RFC 3550 §6.5.1). */
const SDES_CNAME = 1;

const ignore = (): void => {};

/**
 * An {@link RtpSink} on one werift send-only transceiver.
 *
 * @example
 * ```ts
 * const sink = new WeriftRtpSink(transceiver.sender, pc.cname);
 * const forwarder = new RtpForwarder(sink, 48_000);
 * ```
 */
export class WeriftRtpSink implements RtpSink {
  readonly #sender: RTCRtpSender;
  readonly #cname: string;

  /**
   * @param sender - the transceiver's sender; its SSRC and negotiated codec are used.
   * @param cname - the peer connection's RTCP canonical name.
   */
  constructor(sender: RTCRtpSender, cname: string) {
    this.#sender = sender;
    this.#cname = cname;
  }

  get ssrc(): number {
    return this.#sender.ssrc;
  }

  /** The negotiated payload type once DTLS is up, else `undefined`. */
  get payloadType(): number | undefined {
    return this.#transport()?.state === 'connected' ? this.#sender.codec?.payloadType : undefined;
  }

  sendRtp(payload: Buffer, header: RtpHeader): void {
    void this.#transport()?.sendRtp(payload, header);
  }

  sendSenderReport(report: SenderReport): void {
    const { ssrc, ntpTimestamp, rtpTimestamp, packetCount, octetCount } = report;
    // A report lost to a closing transport is not worth an error: the next one follows.
    this.#transport()
      ?.sendRtcp([
        new RtcpSrPacket({
          ssrc,
          senderInfo: new RtcpSenderInfo({ ntpTimestamp, rtpTimestamp, packetCount, octetCount }),
        }),
        new RtcpSourceDescriptionPacket({
          chunks: [
            new SourceDescriptionChunk({
              source: ssrc,
              items: [new SourceDescriptionItem({ type: SDES_CNAME, text: this.#cname })],
            }),
          ],
        }),
      ])
      .catch(ignore);
  }

  onNack(listener: (sequenceNumbers: readonly number[]) => void): void {
    this.#sender.onGenericNack.subscribe((nack) => listener(nack.lost));
  }

  /** werift types the transport as always present; it is set only once negotiation starts. */
  #transport(): RTCDtlsTransport | undefined {
    return this.#sender.dtlsTransport as RTCDtlsTransport | undefined;
  }
}
