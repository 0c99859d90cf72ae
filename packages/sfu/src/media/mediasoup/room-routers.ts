import type { types as ms } from 'mediasoup';
import { SfuError, SfuErrorCode } from '../../errors.js';
import { RoomRouter, type RoomRouterSettings } from './room-router.js';
import type { WorkerPool } from './worker-pool.js';

/** One router of a room, from the moment a worker is picked for it. */
export interface RouterSlot {
  readonly worker: ms.Worker;
  /** Settles once the router and its observer exist. */
  readonly ready: Promise<RoomRouter>;
  /** The router, once ready. */
  router: RoomRouter | undefined;
  /** Participants placed on it, including those still joining. */
  peers: number;
  /** Who the router's last audio-level report found speaking. */
  speaking: ReadonlySet<string>;
  readonly unsubscribe: () => void;
}

/** What {@link RoomRouters} places routers with. */
export interface RoomRoutersSettings {
  readonly channelId: string;
  readonly pool: WorkerPool;
  readonly router: RoomRouterSettings;
  readonly maxPeersPerRouter: number;
}

/**
 * The routers of one room and the placement of its participants on them: fill a router up to
 * `maxPeersPerRouter`, then open the next one on the least loaded worker the room does not use
 * yet; close a router that empties while others remain.
 *
 * @example
 * ```ts
 * const routers = new RoomRouters(settings, onLevels, onWorkerDied);
 * await routers.open(worker).ready; // the first router
 * const slot = routers.reserve(); // a place for a joining participant
 * const router = await slot.ready;
 * routers.release(slot); // it left
 * ```
 */
export class RoomRouters {
  readonly #settings: RoomRoutersSettings;
  readonly #onLevels: (slot: RouterSlot, producerIds: readonly string[]) => void;
  readonly #onWorkerDied: (worker: ms.Worker, error: Error) => void;
  readonly #slots: RouterSlot[] = [];
  #closed = false;

  /**
   * @param settings - the room, the pool and the router settings.
   * @param onLevels - called with each audio-level report of a router (empty on silence).
   * @param onWorkerDied - called when a worker under one of the routers dies.
   */
  constructor(
    settings: RoomRoutersSettings,
    onLevels: (slot: RouterSlot, producerIds: readonly string[]) => void,
    onWorkerDied: (worker: ms.Worker, error: Error) => void,
  ) {
    this.#settings = settings;
    this.#onLevels = onLevels;
    this.#onWorkerDied = onWorkerDied;
  }

  /**
   * Opens a router on `worker`; a router that fails to open leaves the room's routers.
   *
   * @param worker - a worker of the pool.
   * @returns its slot, with no participant placed yet.
   */
  open(worker: ms.Worker): RouterSlot {
    const ready = RoomRouter.open(worker, this.#settings.router, (producerIds) =>
      this.#onLevels(slot, producerIds),
    );
    const slot: RouterSlot = {
      worker,
      ready,
      router: undefined,
      peers: 0,
      speaking: new Set(),
      unsubscribe: this.#settings.pool.onDied(worker, (error) => this.#onWorkerDied(worker, error)),
    };
    this.#slots.push(slot);
    ready.then(
      (router) => {
        if (this.#closed || !this.#slots.includes(slot)) router.close();
        else slot.router = router;
      },
      () => this.#drop(slot),
    );
    return slot;
  }

  /**
   * Places a participant: on the first router with room, else on a new router.
   *
   * @returns the slot, counting the participant.
   * @throws {@link SfuError} `GK_SFU_CHANNEL_FULL` when every router is full and every worker
   * already has one of the room's routers.
   */
  reserve(): RouterSlot {
    const { maxPeersPerRouter, pool } = this.#settings;
    let slot = this.#slots.find((candidate) => candidate.peers < maxPeersPerRouter);
    if (!slot) {
      const worker = pool.pick(new Set(this.#slots.map((candidate) => candidate.worker)));
      if (!worker) {
        throw new SfuError(
          SfuErrorCode.ChannelFull,
          `room ${this.#settings.channelId} is full: ${this.#slots.length} routers (one per worker) of ${maxPeersPerRouter} participants`,
        );
      }
      slot = this.open(worker);
    }
    slot.peers++;
    return slot;
  }

  /**
   * Un-places a participant; closes its router when it empties and the room has others.
   *
   * @param slot - the slot {@link RoomRouters.reserve} gave it.
   */
  release(slot: RouterSlot): void {
    slot.peers--;
    if (slot.peers === 0 && slot.router && this.#slots.length > 1 && !this.#closed) {
      this.#drop(slot);
      slot.router.close();
    }
  }

  /**
   * The slot of a router.
   *
   * @param router - a router of the room.
   * @returns its slot, or `undefined` once it left the room.
   */
  slotOf(router: RoomRouter): RouterSlot | undefined {
    return this.#slots.find((slot) => slot.router === router);
  }

  /** Closes every router (and everything on them); routers still opening close once open. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots.splice(0)) {
      slot.unsubscribe();
      slot.router?.close();
    }
  }

  #drop(slot: RouterSlot): void {
    slot.unsubscribe();
    const index = this.#slots.indexOf(slot);
    if (index !== -1) this.#slots.splice(index, 1);
  }
}
