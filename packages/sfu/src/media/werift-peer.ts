import {
  MediaStreamTrack,
  RTCPeerConnection,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
  RTP_EXTENSION_URI,
  type RtpPacket,
} from 'werift';

/** One send-only audio slot of a peer's session, bound to at most one source at a time. */
export interface WeriftSlot {
  readonly transceiver: RTCRtpTransceiver;
  readonly track: MediaStreamTrack;
  sourcePeerId: string | null;
  /** Set on rebinding, so the next packet re-bases sequence numbers and timestamps. */
  rebase: boolean;
}

/**
 * The server side of one participant: a peer connection with a receive-only uplink section and
 * `slotCount` send-only slots.
 */
export class WeriftPeer {
  readonly pc: RTCPeerConnection;
  /** The receive-only section the participant's microphone arrives on. */
  readonly uplink: RTCRtpTransceiver;
  readonly slots: readonly WeriftSlot[];
  canSpeak = true;
  /** Set by `produce`: only then is the uplink forwarded. */
  producing = false;
  /** The negotiated id of the RFC 6464 audio-level extension on the uplink, once answered. */
  audioLevelId: number | undefined;

  /**
   * @param config - the peer connection configuration.
   * @param slotCount - send-only slots to offer.
   * @param onRtp - called with every RTP packet the participant sends up.
   */
  constructor(config: RTCPeerConnectionConfig, slotCount: number, onRtp: (rtp: RtpPacket) => void) {
    this.pc = new RTCPeerConnection(config);
    const uplink = this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.uplink = uplink;
    uplink.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => onRtp(rtp));
    });
    this.slots = Array.from({ length: slotCount }, () => {
      const track = new MediaStreamTrack({ kind: 'audio' });
      const transceiver = this.pc.addTransceiver(track, { direction: 'sendonly' });
      return { transceiver, track, sourcePeerId: null, rebase: false };
    });
  }

  /**
   * Creates and applies the offer (gathering candidates, so it is complete).
   *
   * @returns the offer SDP.
   */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription?.sdp ?? '';
  }

  /**
   * Applies the client's answer and learns the uplink's audio-level extension id.
   *
   * @param sdp - the client's answer.
   */
  async applyAnswer(sdp: string): Promise<void> {
    const sections = sdp.match(/^m=audio /gm)?.length ?? 0;
    const expected = this.slots.length + 1;
    if (sections !== expected) {
      throw new Error(`the answer has ${sections} audio sections, the offer ${expected}`);
    }
    if (!/^a=fingerprint:/m.test(sdp) || !/^a=ice-ufrag:/m.test(sdp)) {
      throw new Error('the answer has no DTLS fingerprint or ICE credentials');
    }
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    this.audioLevelId = this.uplink.headerExtensions.find(
      (extension) => extension.uri === RTP_EXTENSION_URI.audioLevelIndication,
    )?.id;
  }

  /**
   * Binds a free slot to `sourcePeerId`.
   *
   * @param sourcePeerId - the participant to carry.
   * @returns the bound slot, or `undefined` when none is free.
   */
  bind(sourcePeerId: string): WeriftSlot | undefined {
    const slot = this.slots.find((candidate) => candidate.sourcePeerId === null);
    if (!slot) return undefined;
    slot.sourcePeerId = sourcePeerId;
    slot.rebase = true;
    return slot;
  }

  /**
   * Frees the slot carrying `sourcePeerId`.
   *
   * @param sourcePeerId - the participant that left.
   * @returns the freed slot, or `undefined` when none carried it.
   */
  unbind(sourcePeerId: string): WeriftSlot | undefined {
    const slot = this.slotOf(sourcePeerId);
    if (slot) slot.sourcePeerId = null;
    return slot;
  }

  /**
   * @param sourcePeerId - a participant.
   * @returns the slot carrying it, if any.
   */
  slotOf(sourcePeerId: string): WeriftSlot | undefined {
    return this.slots.find((slot) => slot.sourcePeerId === sourcePeerId);
  }

  /**
   * Forwards one packet on `slot`; werift's sender rewrites SSRC and payload type, and the first
   * packet after a rebinding re-bases the sequence so the slot's stream stays contiguous.
   *
   * @param slot - one of this peer's slots.
   * @param rtp - the source packet (not mutated).
   */
  forward(slot: WeriftSlot, rtp: RtpPacket): void {
    if (slot.rebase) {
      slot.transceiver.sender.replaceRTP(rtp.header, true);
      slot.rebase = false;
    }
    slot.track.writeRtp(rtp.clone());
  }

  /** Closes the peer connection. */
  async close(): Promise<void> {
    for (const slot of this.slots) slot.track.stop();
    await this.pc.close();
  }
}
