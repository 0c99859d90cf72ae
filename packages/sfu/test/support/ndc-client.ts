import { Audio, PeerConnection, type Track } from 'node-datachannel';

/** The fields of one RTP packet the interop test checks (RFC 3550 §5.1). */
interface RtpFields {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

/**
 * Resolves once a libdatachannel peer connection is up and its uplink track is open.
 *
 * @param pc - the connection.
 * @param uplink - the track the client sends on, once added.
 * @param id - names the peer in the error.
 * @throws when the connection fails or closes first.
 */
export function ndcConnected(
  pc: PeerConnection,
  uplink: Track | undefined,
  id: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = (state: string): void => {
      if (state === 'connected' && uplink?.isOpen()) resolve();
      else if (state === 'failed' || state === 'closed') {
        reject(new Error(`${id}: connection ${state}`));
      }
    };
    pc.onStateChange(check);
    uplink?.onOpen(() => check(pc.state()));
    check(pc.state());
  });
}

/** One packet a {@link NdcTestClient} received, decoded from the test payload `<senderId>:<counter>`. */
export interface NdcReceivedPacket {
  readonly mid: string;
  readonly senderId: string;
  readonly counter: number;
  readonly sequenceNumber: number;
  readonly ssrc: number;
  readonly payloadType: number;
}

const RTP_HEADER_BYTES = 12;

/**
 * Builds a plain RTP packet: version 2, no padding, extension or CSRCs, marker clear.
 *
 * @param fields - the header fields and payload.
 * @returns the packet bytes.
 */
function buildRtp(fields: RtpFields): Buffer {
  const header = Buffer.alloc(RTP_HEADER_BYTES);
  header[0] = 0x80;
  header[1] = fields.payloadType & 0x7f;
  header.writeUInt16BE(fields.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(fields.timestamp >>> 0, 4);
  header.writeUInt32BE(fields.ssrc >>> 0, 8);
  return Buffer.concat([header, fields.payload]);
}

/**
 * Parses an RTP packet, skipping CSRCs, a header extension and padding.
 *
 * @param packet - bytes from a track; RTCP (payload type byte 192-223) is not RTP.
 * @returns the fields, or `undefined` for RTCP or anything that is not RTP version 2.
 */
function parseRtp(packet: Buffer): RtpFields | undefined {
  const first = packet[0] ?? 0;
  const second = packet[1] ?? 0;
  if (packet.length < RTP_HEADER_BYTES || first >> 6 !== 2) return undefined;
  if (second >= 192 && second <= 223) return undefined;
  let offset = RTP_HEADER_BYTES + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  const padding = first & 0x20 ? (packet[packet.length - 1] ?? 0) : 0;
  if (offset > packet.length - padding) return undefined;
  return {
    payloadType: second & 0x7f,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, packet.length - padding),
  };
}

/**
 * Splits an SDP into its media sections.
 *
 * @param sdp - a session description.
 * @returns each `m=` section's text, in order.
 */
function mediaSections(sdp: string): string[] {
  return sdp.split(/\r?\n(?=m=)/).slice(1);
}

/**
 * A libdatachannel (node-datachannel) client peer: answers the server's offer, sends raw RTP on
 * the first (uplink) section under its own SSRC and records every RTP packet arriving on the
 * slots. It signals without trickle: the answer carries every local candidate.
 */
export class NdcTestClient {
  readonly id: string;
  readonly ssrc: number;
  readonly pc: PeerConnection;
  readonly received: NdcReceivedPacket[] = [];
  /** Every packet seen on a slot that was neither RTP nor RTCP, or RTP in a foreign payload. */
  readonly malformed: Buffer[] = [];
  /** Holds the slot tracks: node-datachannel drops a collected track's callbacks. */
  readonly #slots: Track[] = [];
  #uplink: Track | undefined;
  #payloadType = -1;
  #sequenceNumber = 40_000;
  #timestamp = 0;
  #counter = 0;

  /**
   * @param id - the participant id, also the sender tag in payloads.
   * @param ssrc - the SSRC this client sends under.
   */
  constructor(id: string, ssrc: number) {
    this.id = id;
    this.ssrc = ssrc;
    this.pc = new PeerConnection(id, {
      iceServers: [],
      bindAddress: '127.0.0.1',
      disableAutoNegotiation: true,
    });
    this.pc.onTrack((track) => {
      this.#slots.push(track);
      const mid = track.mid();
      track.onMessage((message) => this.#onSlotMessage(mid, message));
    });
  }

  /** The Opus payload type taken from the offer (`-1` before {@link NdcTestClient.answer}). */
  get payloadType(): number {
    return this.#payloadType;
  }

  /**
   * Answers the server's offer. The uplink track is added before the offer is applied, so the
   * answer declares `a=ssrc` for it: werift routes incoming RTP by SSRC only.
   *
   * @param offer - the server's SDP offer.
   * @returns the complete answer SDP, candidates included.
   */
  async answer(offer: string): Promise<string> {
    const [first] = mediaSections(offer);
    const mid = first?.match(/^a=mid:(\S+)/m)?.[1];
    const payloadType = first?.match(/^a=rtpmap:(\d+) opus\/48000/im)?.[1];
    if (mid === undefined || payloadType === undefined) {
      throw new Error('the offer has no Opus uplink section');
    }
    this.#payloadType = Number(payloadType);
    const audio = new Audio(mid, 'SendOnly');
    audio.addOpusCodec(this.#payloadType);
    audio.addSSRC(this.ssrc, `${this.id}-cname`, `${this.id}-stream`, `${this.id}-audio`);
    this.#uplink = this.pc.addTrack(audio);
    const gathered = new Promise<void>((resolve) => {
      this.pc.onGatheringStateChange((state) => {
        if (state === 'complete') resolve();
      });
    });
    this.pc.setRemoteDescription(offer, 'offer');
    this.pc.setLocalDescription();
    if (this.pc.gatheringState() !== 'complete') await gathered;
    const answer = this.pc.localDescription();
    if (answer?.type !== 'answer') throw new Error(`${this.id} produced no answer`);
    return answer.sdp;
  }

  /** Resolves once ICE and DTLS are up and the uplink track is open. */
  connected(): Promise<void> {
    return ndcConnected(this.pc, this.#uplink, this.id);
  }

  /**
   * Sends one Opus-like packet whose payload names this client and a running counter.
   *
   * @returns the packet's counter.
   * @throws when the uplink track is not open.
   */
  send(): number {
    const counter = this.#counter++;
    const packet = buildRtp({
      payloadType: this.#payloadType,
      sequenceNumber: this.#sequenceNumber++,
      timestamp: this.#timestamp,
      ssrc: this.ssrc,
      payload: Buffer.from(`${this.id}:${counter}`),
    });
    this.#timestamp += 960;
    if (!this.#uplink?.sendMessageBinary(packet)) throw new Error(`${this.id} could not send`);
    return counter;
  }

  /**
   * @param senderId - a participant.
   * @returns packets received from it.
   */
  from(senderId: string): NdcReceivedPacket[] {
    return this.received.filter((packet) => packet.senderId === senderId);
  }

  /** Closes the peer connection (call node-datachannel's `cleanup()` once all are closed). */
  close(): void {
    this.pc.close();
  }

  #onSlotMessage(mid: string, message: Buffer): void {
    const second = message[1] ?? 0;
    if (second >= 192 && second <= 223) return;
    const rtp = parseRtp(message);
    if (!rtp || rtp.payloadType !== this.#payloadType) {
      this.malformed.push(message);
      return;
    }
    const [senderId = '', counter = '-1'] = rtp.payload.toString('utf8').split(':');
    this.received.push({
      mid,
      senderId,
      counter: Number(counter),
      sequenceNumber: rtp.sequenceNumber,
      ssrc: rtp.ssrc,
      payloadType: rtp.payloadType,
    });
  }
}
