import { type types as ms, observer } from 'mediasoup';

/** Where a mediasoup object lives. */
export interface Placed<T> {
  readonly value: T;
  readonly router: ms.Router;
  readonly worker: ms.Worker;
}

/**
 * Records what mediasoup creates in this process, through its public observer API, so that a
 * test can check the server side of the backend (which router a consumer is on, whether a
 * producer is paused) without reaching into the backend. Producers and consumers of pipe
 * transports are left out: only the participants' WebRTC ones are recorded.
 */
export class MediasoupTrace {
  readonly workers: ms.Worker[] = [];
  readonly routers: Placed<ms.Router>[] = [];
  readonly transports = new Map<string, Placed<ms.Transport>>();
  readonly producers = new Map<string, Placed<ms.Producer>>();
  readonly consumers = new Map<string, Placed<ms.Consumer>>();
  readonly #onWorker = (worker: ms.Worker): void => {
    this.workers.push(worker);
    worker.observer.on('newrouter', (router) => {
      this.routers.push({ value: router, router, worker });
      router.observer.on('newtransport', (transport) => {
        if (transport.type !== 'webrtc') return;
        this.transports.set(transport.id, { value: transport, router, worker });
        transport.observer.on('newproducer', (producer) =>
          this.producers.set(producer.id, { value: producer, router, worker }),
        );
        transport.observer.on('newconsumer', (consumer) =>
          this.consumers.set(consumer.id, { value: consumer, router, worker }),
        );
      });
    });
  };

  constructor() {
    observer.on('newworker', this.#onWorker);
  }

  /**
   * The recorded object of an id.
   *
   * @param map - one of the maps of this trace.
   * @param id - the object's id.
   * @returns where it lives; throws when it was not recorded.
   */
  static get<T>(map: ReadonlyMap<string, Placed<T>>, id: string): Placed<T> {
    const placed = map.get(id);
    if (!placed) throw new Error(`mediasoup object ${id} was not recorded`);
    return placed;
  }

  /** Stops recording. */
  stop(): void {
    observer.off('newworker', this.#onWorker);
  }
}
