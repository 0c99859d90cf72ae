import { EventEmitter } from 'eventemitter3';
import type { types as ms } from 'mediasoup';
import { SfuError, SfuErrorCode } from '../../errors.js';
import type { MediaRoom, MediaRoomEvents } from '../media-backend.js';
import { ConsumerFanout } from './consumer-fanout.js';
import type { OrtcConsumerNotice, OrtcDialect } from './mediasoup-dialect.js';
import {
  addedNotice,
  createTransports,
  MediasoupPeer,
  type ProducerEntry,
  setPaused,
  transportParameters,
} from './mediasoup-peer.js';
import {
  parseConnectRequest,
  parseConsumerId,
  parseConsumerLayers,
  parseJoinRequest,
  parseProduceRequest,
} from './parse-signal.js';
import type { RoomRouter, RoomRouterSettings } from './room-router.js';
import { RoomRouters, type RouterSlot } from './room-routers.js';
import { speakingChanges } from './speaking-changes.js';
import type { WorkerPool } from './worker-pool.js';

/** What a {@link MediasoupMediaRoom} needs from its backend. */
export interface MediasoupRoomSettings {
  readonly pool: WorkerPool;
  readonly router: RoomRouterSettings;
  readonly listenInfos: readonly ms.TransportListenInfo[];
  readonly maxPeersPerRouter: number;
  /** Called once when the room closes; with the error when a worker died under it. */
  readonly onClose: (error?: SfuError) => void;
}

type Events = MediaRoomEvents<OrtcDialect>;

/**
 * A {@link MediaRoom} on mediasoup: a router per voice channel (more, on other workers, once it
 * outgrows `maxPeersPerRouter`, with producers piped between them), a send and a receive
 * WebRTC transport per participant, a consumer per participant and producer of another, and an
 * audio-level observer per router for `speaking`. Create it with
 * `MediasoupMediaBackend.createRoom`.
 *
 * @example
 * ```ts
 * const room = await backend.createRoom(channelId);
 * room.on('consumer', (peerId, notice) => gateway.sendTo(peerId, notice));
 * const { sendTransport, recvTransport, consumers } = await room.join(userId, { rtpCapabilities });
 * await room.connect(userId, { transportId: sendTransport.id, dtlsParameters });
 * const { producerId } = await room.produce(userId, { kind: 'audio', rtpParameters, source: 'microphone' });
 * ```
 */
export class MediasoupMediaRoom extends EventEmitter<Events> implements MediaRoom<OrtcDialect> {
  readonly channelId: string;
  readonly #settings: MediasoupRoomSettings;
  readonly #routers: RoomRouters;
  readonly #fanout: ConsumerFanout;
  readonly #peers = new Map<string, MediasoupPeer>();
  readonly #joining = new Set<string>();
  #closed = false;

  private constructor(channelId: string, settings: MediasoupRoomSettings) {
    super();
    this.channelId = channelId;
    this.#settings = settings;
    this.#routers = new RoomRouters(
      { channelId, ...settings },
      (slot, producerIds) => this.#onLevels(slot, producerIds),
      (worker, error) =>
        this.#shutdown(
          new SfuError(
            SfuErrorCode.MediaUnavailable,
            `mediasoup-worker ${worker.pid} died; room ${channelId} is closed`,
            { cause: error },
          ),
        ),
    );
    this.#fanout = new ConsumerFanout(
      (peer) => this.#isPresent(peer),
      (peer, notice) => this.#notify(peer, notice),
    );
  }

  /**
   * Opens a room with its first router on `worker`; `MediasoupMediaBackend.createRoom` calls it.
   *
   * @internal
   * @param channelId - the voice channel.
   * @param worker - the worker of the first router.
   * @param settings - configuration from the backend.
   * @returns the room.
   * @throws {@link SfuError} `GK_SFU_MEDIA_UNAVAILABLE` or `GK_SFU_INVALID_OPTION` when the
   * router cannot be created.
   */
  static async open(
    channelId: string,
    worker: ms.Worker,
    settings: MediasoupRoomSettings,
  ): Promise<MediasoupMediaRoom> {
    const room = new MediasoupMediaRoom(channelId, settings);
    await room.#routers.open(worker).ready;
    return room;
  }

  join(peerId: string, request: OrtcDialect['joinRequest']): Promise<OrtcDialect['joinResponse']> {
    const answer: Promise<OrtcDialect['joinResponse']> = this.#join(peerId, request, () => answer);
    return answer;
  }

  async #join(
    peerId: string,
    request: OrtcDialect['joinRequest'],
    answer: () => Promise<OrtcDialect['joinResponse']>,
  ): Promise<OrtcDialect['joinResponse']> {
    const { rtpCapabilities } = parseJoinRequest(request);
    this.#assertOpen();
    if (this.#peers.has(peerId) || this.#joining.has(peerId)) {
      throw new SfuError(SfuErrorCode.DuplicatePeer, `peer ${peerId} is already in the room`);
    }
    const slot = this.#routers.reserve();
    this.#joining.add(peerId);
    let home: RoomRouter;
    let transports: [ms.WebRtcTransport, ms.WebRtcTransport];
    try {
      home = await slot.ready;
      transports = await createTransports(home.router, this.#settings.listenInfos, peerId);
    } catch (error) {
      this.#routers.release(slot);
      throw this.#joinFailure(peerId, error);
    } finally {
      this.#joining.delete(peerId);
    }
    if (this.#closed) {
      for (const transport of transports) transport.close();
      throw this.#closedError();
    }
    const peer = new MediasoupPeer(peerId, home, rtpCapabilities, ...transports);
    this.#peers.set(peerId, peer);
    await this.#fanout.consumeAll(peer);
    this.#assertPresent(peer);
    // The caller's own reaction to the answer was registered first, so it runs before these.
    peer.delivered = answer().then(
      () => undefined,
      () => undefined,
    );
    return {
      sendTransport: transportParameters(peer.sendTransport),
      recvTransport: transportParameters(peer.recvTransport),
      consumers: [...peer.consumers.values()].map(addedNotice),
    };
  }

  async connect(peerId: string, request: OrtcDialect['connectRequest']): Promise<void> {
    const { transportId, dtlsParameters } = parseConnectRequest(request);
    const peer = this.#peer(peerId);
    const transport = peer.transport(transportId);
    if (!transport) {
      throw new SfuError(
        SfuErrorCode.InvalidSignal,
        `connect.transportId ${transportId} is not a transport of ${peerId}`,
      );
    }
    try {
      await transport.connect({ dtlsParameters });
    } catch (error) {
      this.#assertPresent(peer);
      throw new SfuError(SfuErrorCode.NegotiationFailed, `connecting ${transportId} failed`, {
        cause: error,
      });
    }
  }

  async produce(
    peerId: string,
    request: OrtcDialect['produceRequest'],
  ): Promise<OrtcDialect['produceResponse']> {
    const { kind, rtpParameters, source } = parseProduceRequest(request);
    const peer = this.#peer(peerId);
    let producer: ms.Producer;
    try {
      producer = await peer.sendTransport.produce({
        kind,
        rtpParameters,
        paused: kind === 'audio' && !peer.canSpeak,
      });
    } catch (error) {
      this.#assertPresent(peer);
      throw new SfuError(SfuErrorCode.NegotiationFailed, `mediasoup refused the ${source}`, {
        cause: error,
      });
    }
    if (!this.#isPresent(peer)) {
      producer.close();
      this.#assertPresent(peer);
    }
    // setCanSpeak may have run while mediasoup created the producer.
    if (kind === 'audio' && producer.paused === peer.canSpeak) {
      setPaused(producer, !peer.canSpeak);
    }
    const previous = peer.producers.get(source);
    if (previous) this.#fanout.remove(peer, previous, this.#peers.values());
    const entry: ProducerEntry = { producer, peerId, source, home: peer.home };
    peer.producers.set(source, entry);
    await Promise.all([
      source === 'microphone' ? peer.home.observe(producer.id) : undefined,
      this.#fanout.add(entry, this.#peers.values()),
    ]);
    return { producerId: producer.id };
  }

  async leave(peerId: string): Promise<void> {
    const peer = this.#peer(peerId);
    this.#peers.delete(peerId);
    this.#stopSpeaking(peer);
    for (const entry of [...peer.producers.values()]) {
      this.#fanout.remove(peer, entry, this.#peers.values());
    }
    peer.close();
    const slot = this.#routers.slotOf(peer.home);
    if (slot) this.#routers.release(slot);
  }

  setCanSpeak(peerId: string, canSpeak: boolean): void {
    const peer = this.#peer(peerId);
    if (peer.canSpeak === canSpeak) return;
    peer.setCanSpeak(canSpeak);
    if (!canSpeak) this.#stopSpeaking(peer);
  }

  /**
   * Chooses the simulcast or SVC layers forwarded to one of a participant's video consumers
   * (e.g. the low layer for a thumbnail); mediasoup forwards at most these, less when the
   * bandwidth is short, and reports changes as `layers` notices.
   *
   * @param peerId - the participant.
   * @param consumerId - one of its consumers, from an `added` notice.
   * @param layers - the highest spatial (and temporal) layer to forward.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` for a peer not in the room,
   * `GK_SFU_INVALID_SIGNAL` for malformed layers or a consumer that is not the peer's or not
   * simulcast/SVC, `GK_SFU_NEGOTIATION_FAILED` when mediasoup refuses them.
   */
  async setPreferredLayers(
    peerId: string,
    consumerId: string,
    layers: ms.ConsumerLayers,
  ): Promise<void> {
    const id = parseConsumerId(consumerId);
    const preferred = parseConsumerLayers(layers);
    const peer = this.#peer(peerId);
    const entry = peer.consumers.get(id);
    if (!entry) {
      throw new SfuError(
        SfuErrorCode.InvalidSignal,
        `consumer ${id} is not a consumer of ${peerId}`,
      );
    }
    if (entry.consumer.type !== 'simulcast' && entry.consumer.type !== 'svc') {
      throw new SfuError(SfuErrorCode.InvalidSignal, `consumer ${id} is not simulcast or SVC`);
    }
    try {
      await entry.consumer.setPreferredLayers(preferred);
    } catch (error) {
      this.#assertPresent(peer);
      throw new SfuError(SfuErrorCode.NegotiationFailed, `layers of ${id} were refused`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    this.#shutdown();
  }

  #joinFailure(peerId: string, error: unknown): SfuError {
    if (this.#closed) return this.#closedError();
    if (error instanceof SfuError) return error;
    return new SfuError(SfuErrorCode.NegotiationFailed, `transports for ${peerId} failed`, {
      cause: error,
    });
  }

  #onLevels(slot: RouterSlot, producerIds: readonly string[]): void {
    if (this.#closed) return;
    const next = new Set<string>();
    for (const producerId of producerIds) {
      const entry = this.#fanout.get(producerId);
      const peer = entry && this.#peers.get(entry.peerId);
      if (entry?.source === 'microphone' && peer?.canSpeak) next.add(peer.id);
    }
    const changes = speakingChanges(slot.speaking, next);
    slot.speaking = next;
    for (const [peerId, speaking] of changes) this.#emitSafely('speaking', peerId, speaking);
  }

  #stopSpeaking(peer: MediasoupPeer): void {
    const slot = this.#routers.slotOf(peer.home);
    if (!slot?.speaking.has(peer.id)) return;
    slot.speaking = new Set([...slot.speaking].filter((peerId) => peerId !== peer.id));
    this.#emitSafely('speaking', peer.id, false);
  }

  #shutdown(error?: SfuError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#routers.close();
    this.#peers.clear();
    this.#fanout.clear();
    this.#settings.onClose(error);
  }

  #notify(peer: MediasoupPeer, notice: OrtcConsumerNotice): void {
    // Until its join answers, a peer's consumers are listed in that answer instead.
    peer.delivered?.then(() => {
      if (this.#isPresent(peer)) this.#emitSafely('consumer', peer.id, notice);
    });
  }

  #isPresent(peer: MediasoupPeer): boolean {
    return !this.#closed && this.#peers.get(peer.id) === peer;
  }

  #assertPresent(peer: MediasoupPeer): void {
    if (this.#closed) throw this.#closedError();
    if (this.#peers.get(peer.id) !== peer) {
      throw new SfuError(SfuErrorCode.NotConnected, `peer ${peer.id} left the room`);
    }
  }

  #peer(peerId: string): MediasoupPeer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new SfuError(SfuErrorCode.NotConnected, `peer ${peerId} is not in the room`);
    return peer;
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): SfuError {
    return new SfuError(SfuErrorCode.RoomClosed, `room ${this.channelId} is closed`);
  }

  #emitSafely<E extends keyof Events>(event: E, ...args: Events[E]): void {
    try {
      (this.emit as (event: E, ...rest: Events[E]) => boolean)(event, ...args);
    } catch {
      // A listener's throw must not stop the notices of everyone else in the room.
    }
  }
}
