import {
  MediaStreamTrack,
  RTCPeerConnection,
  type RTCPeerConnectionConfig,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';

/** ICE on 127.0.0.1 only: the demo runs with no network and no STUN/TURN server. */
export const LOOPBACK: RTCPeerConnectionConfig = {
  iceServers: [],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceUseIpv6: false,
  iceFilterCandidatePair: (pair) =>
    pair.localCandidate.host === '127.0.0.1' && pair.remoteCandidate.host === '127.0.0.1',
};

/**
 * A voice client as a browser would be one, on werift: answers the SFU's offer, sends Opus-sized
 * RTP on the first section and counts what arrives from each other participant.
 */
export class DemoVoiceClient {
  readonly pc = new RTCPeerConnection({
    ...LOOPBACK,
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }),
      ],
    },
  });
  /** Counters received, by sender name. */
  readonly heard = new Map<string, number[]>();
  readonly #track = new MediaStreamTrack({ kind: 'audio' });
  readonly #name: string;
  #sent = 0;

  constructor(name: string) {
    this.#name = name;
    this.pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const [sender = '', counter = ''] = rtp.payload.toString('utf8').split(':');
        this.heard.set(sender, [...(this.heard.get(sender) ?? []), Number(counter)]);
      }),
    );
  }

  /** Answers the SFU's offer, sending on its first section. */
  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const [uplink] = this.pc.getTransceivers();
    if (!uplink) throw new Error('the offer has no sections');
    uplink.setDirection('sendonly');
    await uplink.sender.replaceTrack(this.#track);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.pc.localDescription?.sdp ?? '';
  }

  /** Resolves once ICE and DTLS are up. */
  async connected(): Promise<void> {
    while (this.pc.connectionState !== 'connected') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends one 20 ms packet whose payload names the sender and a counter. */
  send(): void {
    const counter = this.#sent++;
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: counter,
      timestamp: counter * 960,
      ssrc: 4242,
      marker: false,
    });
    this.#track.writeRtp(new RtpPacket(header, Buffer.from(`${this.#name}:${counter}`)));
  }

  async close(): Promise<void> {
    this.#track.stop();
    await this.pc.close();
  }
}
