import type { types as ms } from 'mediasoup';
import type {
  OrtcConsumerAdded,
  OrtcSource,
  OrtcTransportParameters,
} from './mediasoup-dialect.js';
import type { RoomRouter } from './room-router.js';

/** A producer of the room and whose it is. */
export interface ProducerEntry {
  readonly producer: ms.Producer;
  readonly peerId: string;
  readonly source: OrtcSource;
  /** The router of its participant. */
  readonly home: RoomRouter;
}

/** A consumer of a participant and the producer it carries. */
export interface ConsumerEntry {
  readonly consumer: ms.Consumer;
  readonly producer: ProducerEntry;
}

/**
 * What the client needs of a server transport.
 *
 * @param transport - the transport.
 * @returns its id, ICE and DTLS parameters.
 */
export function transportParameters(transport: ms.WebRtcTransport): OrtcTransportParameters {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
  };
}

/**
 * The notice that tells a client to receive a consumer.
 *
 * @param entry - the consumer.
 * @returns the `added` notice.
 */
export function addedNotice(entry: ConsumerEntry): OrtcConsumerAdded {
  return {
    type: 'added',
    consumerId: entry.consumer.id,
    producerId: entry.producer.producer.id,
    sourcePeerId: entry.producer.peerId,
    kind: entry.consumer.kind,
    source: entry.producer.source,
    rtpParameters: entry.consumer.rtpParameters,
  };
}

/**
 * Creates a participant's send and receive transports; neither survives if the other fails.
 *
 * @param router - the participant's router.
 * @param listenInfos - where the transports listen (copied: mediasoup keeps what it is given).
 * @param peerId - the participant, kept in the transports' `appData`.
 * @returns the send transport, then the receive transport.
 */
export async function createTransports(
  router: ms.Router,
  listenInfos: readonly ms.TransportListenInfo[],
  peerId: string,
): Promise<[send: ms.WebRtcTransport, recv: ms.WebRtcTransport]> {
  const create = () =>
    router.createWebRtcTransport({
      listenInfos: listenInfos.map((info) => structuredClone(info)),
      appData: { peerId },
    });
  const [send, recv] = await Promise.allSettled([create(), create()]);
  if (send.status === 'fulfilled' && recv.status === 'fulfilled') return [send.value, recv.value];
  for (const result of [send, recv]) if (result.status === 'fulfilled') result.value.close();
  throw (send.status === 'rejected' ? send : (recv as PromiseRejectedResult)).reason;
}

/**
 * Pauses or resumes a producer in the background, in call order (mediasoup runs a worker's
 * requests in order).
 *
 * @param producer - the producer.
 * @param paused - whether it should be paused.
 */
export function setPaused(producer: ms.Producer, paused: boolean): void {
  (paused ? producer.pause() : producer.resume()).catch(() => {
    // Only a producer closed meanwhile fails to pause; it forwards nothing either way.
  });
}

/**
 * One participant of a mediasoup room: its two transports, producers and consumers.
 *
 * @example
 * ```ts
 * const peer = new MediasoupPeer(peerId, home, rtpCapabilities, sendTransport, recvTransport);
 * peer.transport(request.transportId); // one of its two transports, or undefined
 * peer.setCanSpeak(false); // server mute: its audio producers pause
 * ```
 */
export class MediasoupPeer {
  readonly id: string;
  readonly home: RoomRouter;
  readonly rtpCapabilities: ms.RtpCapabilities;
  readonly sendTransport: ms.WebRtcTransport;
  readonly recvTransport: ms.WebRtcTransport;
  /** At most one producer per source. */
  readonly producers = new Map<OrtcSource, ProducerEntry>();
  /** Consumers by consumer id. */
  readonly consumers = new Map<string, ConsumerEntry>();
  /** Producer ids this peer consumes or is about to: one consumer per producer. */
  readonly consuming = new Set<string>();
  /** Whether its audio is forwarded; change it with {@link MediasoupPeer.setCanSpeak}. */
  canSpeak = true;
  /**
   * Settles once the answer of its join has reached the caller of `join`; until it is set, its
   * consumers travel in that answer, and after, its notices wait for it.
   */
  delivered: Promise<void> | undefined;

  /**
   * @param id - the participant.
   * @param home - the router it is placed on.
   * @param rtpCapabilities - what its device receives.
   * @param sendTransport - the transport it sends on.
   * @param recvTransport - the transport it receives on.
   */
  constructor(
    id: string,
    home: RoomRouter,
    rtpCapabilities: ms.RtpCapabilities,
    sendTransport: ms.WebRtcTransport,
    recvTransport: ms.WebRtcTransport,
  ) {
    this.id = id;
    this.home = home;
    this.rtpCapabilities = rtpCapabilities;
    this.sendTransport = sendTransport;
    this.recvTransport = recvTransport;
  }

  /**
   * One of its transports by id.
   *
   * @param transportId - the id a client names.
   * @returns the transport, or `undefined` when it is not one of this peer's.
   */
  transport(transportId: string): ms.WebRtcTransport | undefined {
    if (transportId === this.sendTransport.id) return this.sendTransport;
    if (transportId === this.recvTransport.id) return this.recvTransport;
    return undefined;
  }

  /**
   * The consumers of this peer that carry `producerId`.
   *
   * @param producerId - the producer.
   * @returns its consumers (at most one).
   */
  consumersOf(producerId: string): ConsumerEntry[] {
    return [...this.consumers.values()].filter((entry) => entry.consumer.producerId === producerId);
  }

  /**
   * Sets whether it may speak, pausing or resuming its audio producers in the background.
   *
   * @param canSpeak - whether its audio is forwarded.
   */
  setCanSpeak(canSpeak: boolean): void {
    this.canSpeak = canSpeak;
    for (const { producer } of this.producers.values()) {
      if (producer.kind === 'audio') setPaused(producer, !canSpeak);
    }
  }

  /** Closes both transports, and with them its producers and consumers. */
  close(): void {
    this.sendTransport.close();
    this.recvTransport.close();
  }
}
