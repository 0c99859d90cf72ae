import { Audio, PeerConnection, type Track } from 'node-datachannel';
import { ndcConnected } from '../../test/support/ndc-client.js';
import { sharedNow } from './bench-client.js';

const RTP_HEADER_BYTES = 12;

/**
 * @param packet - bytes from a track.
 * @returns where the payload of an RTP packet starts, or -1 for RTCP and anything else.
 */
function payloadOffset(packet: Buffer): number {
  const first = packet[0] ?? 0;
  const second = packet[1] ?? 0;
  if (packet.length < RTP_HEADER_BYTES || first >> 6 !== 2) return -1;
  if (second >= 192 && second <= 223) return -1;
  let offset = RTP_HEADER_BYTES + (first & 0x0f) * 4;
  if (first & 0x10) offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  return offset + 8 <= packet.length ? offset : -1;
}

/**
 * A participant on libdatachannel (node-datachannel): SRTP and ICE run in native threads, so a
 * client process of these costs far less CPU per packet than one of werift peers and can load the
 * SFU to a full core. Same payload convention as `BenchClient`; no audio-level extension.
 */
export class NdcBenchClient {
  readonly id: string;
  readonly #ssrc: number;
  readonly #pc: PeerConnection;
  /** Holds the slot tracks: node-datachannel drops a collected track's callbacks. */
  readonly #slots: Track[] = [];
  #uplink: Track | undefined;
  #payloadType = 111;
  #sequenceNumber: number;
  #timestamp = 0;
  #counter = 0;

  /**
   * @param id - the participant id.
   * @param ssrc - the uplink SSRC.
   * @param onSentAt - called with the send time of every packet received.
   */
  constructor(id: string, ssrc: number, onSentAt: (sentAt: number) => void) {
    this.id = id;
    this.#ssrc = ssrc;
    this.#sequenceNumber = ssrc & 0xffff;
    this.#pc = new PeerConnection(id, {
      iceServers: [],
      bindAddress: '127.0.0.1',
      disableAutoNegotiation: true,
    });
    this.#pc.onTrack((track) => {
      this.#slots.push(track);
      track.onMessage((message) => {
        const offset = payloadOffset(message);
        if (offset >= 0) onSentAt(message.readDoubleLE(offset));
      });
    });
  }

  /**
   * Answers with a send-only uplink declaring its SSRC (werift routes incoming RTP by SSRC).
   *
   * @param offer - the SFU's offer.
   * @returns the complete answer, candidates included.
   */
  async answer(offer: string): Promise<string> {
    const first = offer.split(/\r?\n(?=m=)/)[1];
    const mid = first?.match(/^a=mid:(\S+)/m)?.[1];
    const payloadType = first?.match(/^a=rtpmap:(\d+) opus\/48000/im)?.[1];
    if (mid === undefined || payloadType === undefined) {
      throw new Error(`${this.id}: the offer has no Opus uplink section`);
    }
    this.#payloadType = Number(payloadType);
    const audio = new Audio(mid, 'SendOnly');
    audio.addOpusCodec(this.#payloadType);
    audio.addSSRC(this.#ssrc, `${this.id}-cname`, `${this.id}-stream`, `${this.id}-audio`);
    this.#uplink = this.#pc.addTrack(audio);
    const gathered = new Promise<void>((resolve) => {
      this.#pc.onGatheringStateChange((state) => {
        if (state === 'complete') resolve();
      });
    });
    this.#pc.setRemoteDescription(offer, 'offer');
    this.#pc.setLocalDescription();
    if (this.#pc.gatheringState() !== 'complete') await gathered;
    const answer = this.#pc.localDescription();
    if (answer?.type !== 'answer') throw new Error(`${this.id}: no answer`);
    return answer.sdp;
  }

  /** Resolves once ICE and DTLS are up and the uplink is open. */
  connected(): Promise<void> {
    return ndcConnected(this.#pc, this.#uplink, this.id);
  }

  /** Sends one 80–160-byte packet stamped with the current time. */
  send(): void {
    const packet = Buffer.alloc(RTP_HEADER_BYTES + 80 + ((this.#counter++ * 37) % 81), 0x5a);
    packet[0] = 0x80;
    packet[1] = this.#payloadType & 0x7f;
    packet.writeUInt16BE(this.#sequenceNumber, 2);
    packet.writeUInt32BE(this.#timestamp, 4);
    packet.writeUInt32BE(this.#ssrc, 8);
    packet.writeDoubleLE(sharedNow(), RTP_HEADER_BYTES);
    this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + 960) >>> 0;
    this.#uplink?.sendMessageBinary(packet);
  }

  async close(): Promise<void> {
    this.#pc.close();
  }
}
