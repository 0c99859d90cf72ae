import {
  MediaStreamTrack,
  type RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  serializeAudioLevelIndication,
} from 'werift';
import {
  answerSendingOn,
  audioLevelIdOf,
  weriftClientConnection,
  weriftConnected,
} from '../../test/support/werift-client.js';

/** A voiced RFC 6464 level, so the SFU's speaking detector does its per-packet work. */
const AUDIO_LEVEL_DBOV = -30;

/**
 * Wall-clock milliseconds that agree across processes on one machine (unlike `performance.now()`,
 * whose origin is each process's start).
 *
 * @returns the current time in ms.
 */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Builds Opus-like packets: 80–160-byte payloads whose first 8 bytes carry the send time
 * ({@link sharedNow}, float64 little-endian), 960 timestamp units (20 ms at 48 kHz) apart.
 */
export class OpusLikeSource {
  readonly #ssrc: number;
  #sequenceNumber: number;
  #timestamp = 0;
  #counter = 0;

  /**
   * @param ssrc - the SSRC to send under.
   * @param firstSequenceNumber - the first sequence number.
   */
  constructor(ssrc: number, firstSequenceNumber: number) {
    this.#ssrc = ssrc;
    this.#sequenceNumber = firstSequenceNumber;
  }

  /**
   * @param audioLevelId - the negotiated id of the audio-level extension, if any.
   * @returns the next packet, stamped with the current time.
   */
  next(audioLevelId: number | undefined): RtpPacket {
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: this.#sequenceNumber,
      timestamp: this.#timestamp,
      ssrc: this.#ssrc,
      marker: false,
    });
    if (audioLevelId !== undefined) {
      header.extensions = [
        { id: audioLevelId, payload: serializeAudioLevelIndication(-AUDIO_LEVEL_DBOV) },
      ];
    }
    this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + 960) >>> 0;
    const payload = Buffer.alloc(80 + ((this.#counter++ * 37) % 81), 0x5a);
    payload.writeDoubleLE(sharedNow(), 0);
    return new RtpPacket(header, payload);
  }
}

/**
 * @param pc - a peer connection.
 * @param onSentAt - called with the send time carried by every RTP packet that arrives.
 */
export function receiveStamps(pc: RTCPeerConnection, onSentAt: (sentAt: number) => void): void {
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => onSentAt(rtp.payload.readDoubleLE(0)));
  });
}

/**
 * One participant as a browser would be: answers the SFU's offer, sends Opus-rate packets on
 * the first (uplink) section with an audio level, and reports every packet arriving on a slot.
 */
export class BenchClient {
  readonly id: string;
  readonly pc: RTCPeerConnection;
  readonly #track = new MediaStreamTrack({ kind: 'audio' });
  readonly #source: OpusLikeSource;
  #audioLevelId: number | undefined;

  /**
   * @param id - the participant id.
   * @param ssrc - the uplink SSRC.
   * @param onSentAt - called with the send time of every packet received.
   */
  constructor(id: string, ssrc: number, onSentAt: (sentAt: number) => void) {
    this.id = id;
    this.#source = new OpusLikeSource(ssrc, ssrc & 0xffff);
    this.pc = weriftClientConnection();
    receiveStamps(this.pc, onSentAt);
  }

  /**
   * @param offer - the SFU's offer.
   * @returns the answer, sending on the first section.
   */
  async answer(offer: string): Promise<string> {
    const { sdp, uplink } = await answerSendingOn(this.pc, offer, this.#track, this.id);
    this.#audioLevelId = audioLevelIdOf(uplink);
    return sdp;
  }

  /** Resolves once ICE and DTLS are up. */
  connected(): Promise<void> {
    return weriftConnected(this.pc, this.id);
  }

  /** Sends one packet stamped with the current time. */
  send(): void {
    this.#track.writeRtp(this.#source.next(this.#audioLevelId));
  }

  async close(): Promise<void> {
    this.#track.stop();
    await this.pc.close();
  }
}
