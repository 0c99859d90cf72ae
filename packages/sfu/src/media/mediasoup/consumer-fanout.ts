import type { types as ms } from 'mediasoup';
import type { OrtcConsumerNotice } from './mediasoup-dialect.js';
import {
  addedNotice,
  type ConsumerEntry,
  type MediasoupPeer,
  type ProducerEntry,
} from './mediasoup-peer.js';

/**
 * The producers of a room and who receives them: one consumer per participant and producer of
 * another, when the participant's device can decode it, created across routers by piping. Tells
 * the room each consumer added, removed or whose layers changed.
 *
 * @example
 * ```ts
 * const fanout = new ConsumerFanout((peer) => peers.get(peer.id) === peer, sendNotice);
 * await fanout.add(entry, peers.values()); // a new producer: everyone else consumes it
 * await fanout.consumeAll(joiner); // a new participant: it consumes every producer
 * fanout.remove(owner, entry, peers.values()); // the producer ends: `removed` for everyone
 * ```
 */
export class ConsumerFanout {
  readonly #producers = new Map<string, ProducerEntry>();
  readonly #isPresent: (peer: MediasoupPeer) => boolean;
  readonly #notify: (peer: MediasoupPeer, notice: OrtcConsumerNotice) => void;

  /**
   * @param isPresent - whether a peer is (still) in the room.
   * @param notify - delivers a notice to a peer.
   */
  constructor(
    isPresent: (peer: MediasoupPeer) => boolean,
    notify: (peer: MediasoupPeer, notice: OrtcConsumerNotice) => void,
  ) {
    this.#isPresent = isPresent;
    this.#notify = notify;
  }

  /**
   * A producer of the room.
   *
   * @param producerId - its id.
   * @returns the producer and whose it is, or `undefined`.
   */
  get(producerId: string): ProducerEntry | undefined {
    return this.#producers.get(producerId);
  }

  /**
   * Registers a producer and has every other peer consume it.
   *
   * @param entry - the producer.
   * @param peers - the peers of the room.
   * @returns once every consumer is created (or skipped).
   */
  async add(entry: ProducerEntry, peers: Iterable<MediasoupPeer>): Promise<void> {
    this.#producers.set(entry.producer.id, entry);
    await Promise.all([...peers].map((peer) => this.#consume(peer, entry)));
  }

  /**
   * Has a peer consume every producer of the room.
   *
   * @param peer - the peer.
   * @returns once every consumer is created (or skipped).
   */
  async consumeAll(peer: MediasoupPeer): Promise<void> {
    await Promise.all([...this.#producers.values()].map((entry) => this.#consume(peer, entry)));
  }

  /**
   * Ends a producer: closes its consumers (each a `removed` notice), then the producer.
   *
   * @param owner - the peer who produces it.
   * @param entry - the producer.
   * @param peers - the peers of the room.
   */
  remove(owner: MediasoupPeer, entry: ProducerEntry, peers: Iterable<MediasoupPeer>): void {
    this.#producers.delete(entry.producer.id);
    if (owner.producers.get(entry.source) === entry) owner.producers.delete(entry.source);
    for (const peer of peers) {
      for (const consumed of peer.consumersOf(entry.producer.id)) consumed.consumer.close();
    }
    entry.producer.close();
  }

  /** Forgets every producer (the room closed them with its routers). */
  clear(): void {
    this.#producers.clear();
  }

  async #consume(peer: MediasoupPeer, entry: ProducerEntry): Promise<void> {
    const producerId = entry.producer.id;
    if (peer.id === entry.peerId || peer.consuming.has(producerId)) return;
    peer.consuming.add(producerId);
    let consumer: ms.Consumer | undefined;
    try {
      if (entry.home !== peer.home) await peer.home.pipeFrom(entry.home, producerId);
      const { rtpCapabilities } = peer;
      if (
        this.#isCurrent(peer, entry) &&
        peer.home.router.canConsume({ producerId, rtpCapabilities })
      ) {
        consumer = await peer.recvTransport.consume({ producerId, rtpCapabilities });
      }
    } catch {
      // The producer or the peer went away meanwhile, or the pipe failed: this peer does not
      // receive this producer, and everyone else still does.
    }
    if (consumer && this.#isCurrent(peer, entry) && !consumer.closed) {
      this.#track(peer, { consumer, producer: entry });
    } else {
      consumer?.close();
      peer.consuming.delete(producerId);
    }
  }

  #track(peer: MediasoupPeer, entry: ConsumerEntry): void {
    const { consumer } = entry;
    peer.consumers.set(consumer.id, entry);
    consumer.observer.once('close', () => {
      peer.consumers.delete(consumer.id);
      peer.consuming.delete(consumer.producerId);
      this.#notify(peer, { type: 'removed', consumerId: consumer.id });
    });
    consumer.on('layerschange', (layers) =>
      this.#notify(peer, { type: 'layers', consumerId: consumer.id, layers: layers ?? null }),
    );
    this.#notify(peer, addedNotice(entry));
  }

  #isCurrent(peer: MediasoupPeer, entry: ProducerEntry): boolean {
    return this.#isPresent(peer) && this.#producers.get(entry.producer.id) === entry;
  }
}
