import {
  MediaStreamTrack,
  RTCPeerConnection,
  type RTCPeerConnectionConfig,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  RTP_EXTENSION_URI,
  RtpHeader,
  RtpPacket,
  serializeAudioLevelIndication,
  useAudioLevelIndication,
} from 'werift';

/** Loopback-only ICE: host candidates on 127.0.0.1, no STUN/TURN, pairs filtered to loopback. */
export const LOOPBACK_PEER_CONFIG: RTCPeerConnectionConfig = {
  iceServers: [],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceUseIpv6: false,
  iceFilterCandidatePair: (pair) =>
    pair.localCandidate.host === '127.0.0.1' && pair.remoteCandidate.host === '127.0.0.1',
};

/**
 * A werift client connection as the SFU expects one: loopback ICE, Opus 48 kHz stereo, RFC 6464
 * audio levels.
 *
 * @returns a new peer connection (fresh codec objects: werift writes payload types into them).
 */
export function weriftClientConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    ...LOOPBACK_PEER_CONFIG,
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }),
      ],
    },
    headerExtensions: { audio: [useAudioLevelIndication()] },
  });
}

/**
 * Answers the SFU's offer, sending `track` on its first (uplink) section.
 *
 * @param pc - the client connection.
 * @param offer - the SFU's offer.
 * @param track - what the client sends.
 * @param id - names the client in the error.
 * @returns the answer SDP and the uplink section.
 */
export async function answerSendingOn(
  pc: RTCPeerConnection,
  offer: string,
  track: MediaStreamTrack,
  id: string,
): Promise<{ sdp: string; uplink: RTCRtpTransceiver }> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const uplink = pc.getTransceivers()[0];
  if (!uplink) throw new Error(`${id}: the offer has no sections`);
  uplink.setDirection('sendonly');
  await uplink.sender.replaceTrack(track);
  await pc.setLocalDescription(await pc.createAnswer());
  return { sdp: pc.localDescription?.sdp ?? '', uplink };
}

/**
 * @param transceiver - a negotiated section.
 * @returns the id of its RFC 6464 audio-level extension, if negotiated.
 */
export function audioLevelIdOf(transceiver: RTCRtpTransceiver): number | undefined {
  return transceiver.headerExtensions.find(
    (extension) => extension.uri === RTP_EXTENSION_URI.audioLevelIndication,
  )?.id;
}

/**
 * Resolves once a werift peer connection's ICE and DTLS are up.
 *
 * @param pc - the connection.
 * @param id - names the peer in the error.
 * @throws when the connection fails or closes first.
 */
export async function weriftConnected(pc: RTCPeerConnection, id: string): Promise<void> {
  if (pc.connectionState === 'connected') return;
  await new Promise<void>((resolve, reject) => {
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        unSubscribe();
        resolve();
      } else if (state === 'failed' || state === 'closed') {
        unSubscribe();
        reject(new Error(`${id}: connection ${state}`));
      }
    });
  });
}

/** One received packet, decoded from the test payload `<senderId>:<counter>`. */
export interface ReceivedPacket {
  readonly mid: string;
  readonly senderId: string;
  readonly counter: number;
  readonly sequenceNumber: number;
  /** When it arrived (`performance.now()`). */
  readonly at: number;
}

/**
 * A werift client peer: answers the server's offer, sends on the first (uplink) section and
 * records every packet arriving on the slots.
 */
export class WeriftTestClient {
  readonly id: string;
  readonly pc: RTCPeerConnection;
  readonly received: ReceivedPacket[] = [];
  readonly #track = new MediaStreamTrack({ kind: 'audio' });
  #sequenceNumber = 1000;
  #timestamp = 0;
  #counter = 0;

  constructor(id: string) {
    this.id = id;
    this.pc = weriftClientConnection();
    this.pc.onTrack.subscribe((track) => {
      const transceiver = this.pc.getTransceivers().find((t) => t.receiver.track === track);
      track.onReceiveRtp.subscribe((rtp) => {
        const [senderId = '', counter = '-1'] = rtp.payload.toString('utf8').split(':');
        this.received.push({
          mid: transceiver?.mid ?? '',
          senderId,
          counter: Number(counter),
          sequenceNumber: rtp.header.sequenceNumber,
          at: performance.now(),
        });
      });
    });
  }

  /** Answers the server's offer, sending on its first section. */
  async answer(offer: string): Promise<string> {
    return (await answerSendingOn(this.pc, offer, this.#track, this.id)).sdp;
  }

  /** Resolves once ICE and DTLS are up. */
  connected(): Promise<void> {
    return weriftConnected(this.pc, this.id);
  }

  /**
   * Sends one Opus-like packet whose payload names this client and a running counter.
   *
   * @param levelDbov - an RFC 6464 audio level to attach (0 loudest, -127 silence), if any.
   * @returns the packet's counter.
   */
  send(levelDbov?: number): number {
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: this.#sequenceNumber++ & 0xffff,
      timestamp: this.#timestamp,
      ssrc: 1234,
      marker: false,
    });
    if (levelDbov !== undefined) {
      const uplink = this.pc.getTransceivers()[0];
      const id = uplink && audioLevelIdOf(uplink);
      if (id === undefined) throw new Error(`${this.id} did not negotiate audio levels`);
      header.extensions = [{ id, payload: serializeAudioLevelIndication(-levelDbov) }];
    }
    this.#timestamp += 960;
    const counter = this.#counter++;
    this.#track.writeRtp(new RtpPacket(header, Buffer.from(`${this.id}:${counter}`)));
    return counter;
  }

  /** Packets received from `senderId`. */
  from(senderId: string): ReceivedPacket[] {
    return this.received.filter((packet) => packet.senderId === senderId);
  }

  async close(): Promise<void> {
    this.#track.stop();
    await this.pc.close();
  }
}
