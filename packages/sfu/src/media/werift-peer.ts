import {
  RTCPeerConnection,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
  RTP_EXTENSION_URI,
  type RtpPacket,
} from 'werift';
import { RtpForwarder } from './rtp-forwarder.js';
import { WeriftRtpSink } from './werift-rtp-sink.js';

/** The backend negotiates Opus only, at 48 kHz. */
const OPUS_CLOCK_RATE = 48_000;

/** One send-only audio slot of a peer's session, bound to at most one source at a time. */
export interface WeriftSlot {
  readonly transceiver: RTCRtpTransceiver;
  /** Sends the bound source's packets on this slot's SSRC, contiguous across rebinding. */
  readonly forwarder: RtpForwarder;
  sourcePeerId: string | null;
}

/**
 * The server side of one participant: a peer connection with a receive-only uplink section and
 * `slotCount` send-only slots.
 */
export class WeriftPeer {
  /** The participant. */
  readonly id: string;
  readonly pc: RTCPeerConnection;
  /** The receive-only section the participant's microphone arrives on. */
  readonly uplink: RTCRtpTransceiver;
  readonly slots: readonly WeriftSlot[];
  readonly #bySource = new Map<string, WeriftSlot>();
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
  constructor(
    id: string,
    config: RTCPeerConnectionConfig,
    slotCount: number,
    onRtp: (rtp: RtpPacket) => void,
  ) {
    this.id = id;
    this.pc = new RTCPeerConnection(config);
    const uplink = this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.uplink = uplink;
    uplink.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => onRtp(rtp));
    });
    this.slots = Array.from({ length: slotCount }, () => {
      // No MediaStreamTrack: packets go to the forwarder's sink, never through a track.
      const transceiver = this.pc.addTransceiver('audio', { direction: 'sendonly' });
      const sink = new WeriftRtpSink(transceiver.sender, this.pc.cname);
      const forwarder = new RtpForwarder(sink, OPUS_CLOCK_RATE);
      return { transceiver, forwarder, sourcePeerId: null };
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
    slot.forwarder.rebase();
    this.#bySource.set(sourcePeerId, slot);
    return slot;
  }

  /**
   * Makes slot `index` carry `sourcePeerId` instead of its current source, if any (the last-N
   * policy reclaiming a silent source's slot for a new speaker).
   *
   * @param index - the slot's index in {@link WeriftPeer.slots}.
   * @param sourcePeerId - the participant to carry.
   * @returns the slot.
   */
  rebind(index: number, sourcePeerId: string): WeriftSlot {
    const slot = this.slots[index];
    if (!slot) throw new RangeError(`no slot ${index}`);
    if (slot.sourcePeerId !== null) this.#bySource.delete(slot.sourcePeerId);
    slot.sourcePeerId = sourcePeerId;
    slot.forwarder.rebase();
    this.#bySource.set(sourcePeerId, slot);
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
    this.#bySource.delete(sourcePeerId);
    return slot;
  }

  /**
   * @param sourcePeerId - a participant.
   * @returns the slot carrying it, if any.
   */
  slotOf(sourcePeerId: string): WeriftSlot | undefined {
    return this.#bySource.get(sourcePeerId);
  }

  /**
   * Forwards one packet of `sourcePeerId` on the slot carrying it, if any. The slot's own SSRC
   * and payload type replace the source's, and the first packet after a rebinding continues the
   * slot's sequence numbers and timestamps.
   *
   * @param sourcePeerId - the participant that sent the packet.
   * @param rtp - the source packet (not mutated, shared by every receiver).
   * @param now - the current wall-clock time in ms.
   * @returns whether a slot carried it.
   */
  forward(sourcePeerId: string, rtp: RtpPacket, now: number): boolean {
    const slot = this.#bySource.get(sourcePeerId);
    if (!slot) return false;
    slot.forwarder.forward(rtp, now);
    return true;
  }

  /** Closes the peer connection. */
  async close(): Promise<void> {
    await this.pc.close();
  }
}
