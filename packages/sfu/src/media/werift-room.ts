import type { Clock, Scheduler } from '@guildkit/snowflake';
import { EventEmitter } from 'eventemitter3';
import type { RTCPeerConnectionConfig, RtpPacket } from 'werift';
import { SfuError, SfuErrorCode } from '../errors.js';
import { isVoiced } from './audio-level.js';
import type { MediaRoom, MediaRoomEvents, SdpConsumer, SdpDialect } from './media-backend.js';
import { slotToReclaim } from './slot-reclaim.js';
import { SpeakingDetector } from './speaking-detector.js';
import { WeriftPeer, type WeriftSlot } from './werift-peer.js';

/** What a {@link WeriftMediaRoom} needs from its backend. */
export interface WeriftRoomSettings {
  readonly peerConfig: RTCPeerConnectionConfig;
  readonly slots: number;
  readonly maxParticipants: number;
  readonly speakingTimeoutMs: number;
  readonly speakingThresholdDbov: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly onClose: () => void;
}

function consumerOf(slot: WeriftSlot): SdpConsumer {
  return { mid: slot.transceiver.mid ?? '', sourcePeerId: slot.sourcePeerId };
}

/**
 * A {@link MediaRoom} on werift: one peer connection per participant, its audio forwarded to a
 * slot in every other participant's connection. Create it with `WeriftMediaBackend.createRoom`.
 */
export class WeriftMediaRoom
  extends EventEmitter<MediaRoomEvents<SdpDialect>>
  implements MediaRoom<SdpDialect>
{
  readonly channelId: string;
  readonly #peers = new Map<string, WeriftPeer>();
  /** Peers whose offer is done; only they are bound to each other. */
  readonly #ready = new Set<string>();
  /** When each participant last sent voice, for the last-N slot policy. */
  readonly #lastVoicedAt = new Map<string, number>();
  readonly #settings: WeriftRoomSettings;
  readonly #speaking: SpeakingDetector;
  #closed = false;

  /**
   * @param channelId - the voice channel.
   * @param settings - configuration from the backend.
   */
  constructor(channelId: string, settings: WeriftRoomSettings) {
    super();
    this.channelId = channelId;
    this.#settings = settings;
    this.#speaking = new SpeakingDetector(
      settings.speakingTimeoutMs,
      settings.clock,
      settings.scheduler,
      (peerId, speaking) => this.#emitSafely('speaking', peerId, speaking),
    );
  }

  async join(
    peerId: string,
    request: SdpDialect['joinRequest'],
  ): Promise<SdpDialect['joinResponse']> {
    this.#assertOpen();
    if (typeof request !== 'object' || request === null) {
      throw new SfuError(SfuErrorCode.InvalidSignal, 'a join request is an object');
    }
    if (this.#peers.has(peerId)) {
      throw new SfuError(SfuErrorCode.DuplicatePeer, `peer ${peerId} is already in the room`);
    }
    if (this.#peers.size >= this.#settings.maxParticipants) {
      throw new SfuError(SfuErrorCode.ChannelFull, `room ${this.channelId} is full`);
    }
    const peer = new WeriftPeer(peerId, this.#settings.peerConfig, this.#settings.slots, (rtp) =>
      this.#onRtp(peerId, rtp),
    );
    this.#peers.set(peerId, peer);
    let offer: string;
    try {
      offer = await peer.offer();
    } catch (error) {
      this.#peers.delete(peerId);
      await peer.close();
      throw new SfuError(SfuErrorCode.NegotiationFailed, 'creating the offer failed', {
        cause: error,
      });
    }
    if (this.#peers.get(peerId) !== peer) {
      await peer.close();
      throw new SfuError(SfuErrorCode.NotConnected, `peer ${peerId} left while joining`);
    }
    const consumers: SdpConsumer[] = [];
    for (const [otherId, other] of this.#peers) {
      if (!this.#ready.has(otherId)) continue;
      const mine = peer.bind(otherId);
      if (mine) consumers.push(consumerOf(mine));
      const theirs = other.bind(peerId);
      if (theirs) this.#emitSafely('consumer', otherId, consumerOf(theirs));
    }
    this.#ready.add(peerId);
    return { offer, consumers };
  }

  async connect(peerId: string, request: SdpDialect['connectRequest']): Promise<void> {
    const peer = this.#peer(peerId);
    const answer: unknown = (request as { answer?: unknown } | null)?.answer;
    if (typeof answer !== 'string' || answer.length === 0) {
      throw new SfuError(SfuErrorCode.InvalidSignal, 'a connect request carries the SDP answer');
    }
    try {
      await peer.applyAnswer(answer);
    } catch (error) {
      throw new SfuError(SfuErrorCode.NegotiationFailed, `the answer of ${peerId} does not apply`, {
        cause: error,
      });
    }
  }

  async produce(
    peerId: string,
    request: SdpDialect['produceRequest'],
  ): Promise<SdpDialect['produceResponse']> {
    const peer = this.#peer(peerId);
    if ((request as { kind?: unknown } | null)?.kind !== 'audio') {
      throw new SfuError(SfuErrorCode.InvalidSignal, "a produce request has kind 'audio'");
    }
    peer.producing = true;
    return { mid: peer.uplink.mid ?? '' };
  }

  async leave(peerId: string): Promise<void> {
    const peer = this.#peer(peerId);
    this.#peers.delete(peerId);
    this.#ready.delete(peerId);
    this.#speaking.stop(peerId);
    this.#lastVoicedAt.delete(peerId);
    for (const [otherId, other] of this.#peers) {
      const freed = other.unbind(peerId);
      if (freed) this.#emitSafely('consumer', otherId, consumerOf(freed));
    }
    await peer.close();
  }

  setCanSpeak(peerId: string, canSpeak: boolean): void {
    const peer = this.#peer(peerId);
    if (canSpeak && !peer.canSpeak) {
      for (const other of this.#peers.values()) other.slotOf(peerId)?.forwarder.rebase();
    }
    peer.canSpeak = canSpeak;
    if (!canSpeak) this.#speaking.stop(peerId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#speaking.clear();
    const peers = [...this.#peers.values()];
    this.#peers.clear();
    this.#ready.clear();
    this.#lastVoicedAt.clear();
    this.#settings.onClose();
    await Promise.all(peers.map((peer) => peer.close()));
  }

  #onRtp(peerId: string, rtp: RtpPacket): void {
    const sender = this.#peers.get(peerId);
    if (!sender?.producing || !sender.canSpeak) return;
    const now = this.#settings.clock.now();
    const voiced = isVoiced(rtp, sender.audioLevelId, this.#settings.speakingThresholdDbov);
    if (voiced) {
      this.#speaking.packet(peerId);
      this.#lastVoicedAt.set(peerId, now);
    }
    for (const other of this.#peers.values()) {
      if (other === sender || other.forward(peerId, rtp, now)) continue;
      if (voiced && this.#ready.has(other.id)) this.#claimSlot(other, peerId, rtp, now);
    }
  }

  /**
   * Gives a speaker a slot in a listener's session that carries no slot for it (a room larger
   * than `slots + 1`): a free slot, else the one whose source has been silent longest, past the
   * speaking timeout. When everyone the listener hears is still talking, it does not hear this
   * speaker until one of them stops.
   */
  #claimSlot(listener: WeriftPeer, speakerId: string, rtp: RtpPacket, now: number): void {
    const index = slotToReclaim(
      listener.slots,
      (peerId) => this.#lastVoicedAt.get(peerId),
      now,
      this.#settings.speakingTimeoutMs,
    );
    if (index === undefined) return;
    const slot = listener.rebind(index, speakerId);
    this.#emitSafely('consumer', listener.id, consumerOf(slot));
    listener.forward(speakerId, rtp, now);
  }

  #peer(peerId: string): WeriftPeer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new SfuError(SfuErrorCode.NotConnected, `peer ${peerId} is not in the room`);
    return peer;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new SfuError(SfuErrorCode.RoomClosed, `room ${this.channelId} is closed`);
    }
  }

  #emitSafely<E extends keyof MediaRoomEvents<SdpDialect>>(
    event: E,
    ...args: MediaRoomEvents<SdpDialect>[E]
  ): void {
    try {
      (this.emit as (event: E, ...rest: MediaRoomEvents<SdpDialect>[E]) => boolean)(event, ...args);
    } catch {
      // A listener's throw must not break forwarding for everyone else in the room.
    }
  }
}
