import type { types as ms } from 'mediasoup';
import type { MediasoupModule } from './mediasoup-loader.js';
import { startWorker } from './mediasoup-loader.js';

/** What {@link pickWorker} needs to know about one worker. */
export interface WorkerLoad {
  /** Open transports on the worker's routers (two per participant, plus pipes). */
  readonly transports: number;
  /** Open routers on the worker. */
  readonly routers: number;
  /** Whether the worker may not take this router (the room already has one there). */
  readonly excluded: boolean;
}

/**
 * Picks the worker for a new router: the one with the fewest open transports, then the fewest
 * routers; among equals, the first from `cursor` on, so that ties go round-robin. Pure: the pool
 * feeds it.
 *
 * @param loads - the workers, in pool order.
 * @param cursor - where the round-robin stands (any integer; taken modulo the pool size).
 * @returns the index of the chosen worker, or `-1` when every worker is excluded.
 *
 * @example
 * ```ts
 * pickWorker([{ transports: 4, routers: 1, excluded: false }, { transports: 2, routers: 1, excluded: false }], 0); // 1
 * ```
 */
export function pickWorker(loads: readonly WorkerLoad[], cursor: number): number {
  let best = -1;
  for (let step = 0; step < loads.length; step++) {
    const index = (((cursor + step) % loads.length) + loads.length) % loads.length;
    const load = loads[index];
    if (!load || load.excluded) continue;
    const current = loads[best];
    if (
      current === undefined ||
      load.transports < current.transports ||
      (load.transports === current.transports && load.routers < current.routers)
    ) {
      best = index;
    }
  }
  return best;
}

interface PooledWorker {
  readonly worker: ms.Worker;
  transports: number;
  routers: number;
  readonly diedListeners: Set<(error: Error) => void>;
}

/**
 * A fixed number of mediasoup-worker processes, started on first use, with the load of each
 * counted from mediasoup's observers. A worker that dies leaves the pool (its listeners hear
 * it) and is replaced by the next {@link WorkerPool.fill}.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool(4, () => loadMediasoup(importMediasoup));
 * await pool.fill();
 * const worker = pool.pick(new Set()); // the least loaded
 * const stop = pool.onDied(worker, (error) => closeRoomsOn(worker, error));
 * ```
 */
export class WorkerPool {
  readonly #size: number;
  readonly #load: () => Promise<MediasoupModule>;
  readonly #workers: PooledWorker[] = [];
  #filling: Promise<void> | undefined;
  #cursor = 0;
  #closed = false;

  /**
   * @param size - how many workers to run.
   * @param load - loads mediasoup (already translating failures).
   */
  constructor(size: number, load: () => Promise<MediasoupModule>) {
    this.#size = size;
    this.#load = load;
  }

  /** Live workers in the pool. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Starts workers until the pool has its size; concurrent calls share one start.
   *
   * @throws {@link SfuError} `GK_SFU_MEDIA_UNAVAILABLE` when mediasoup does not load or a worker
   * does not start (the workers that did start stay in the pool).
   */
  fill(): Promise<void> {
    if (this.#workers.length >= this.#size) return Promise.resolve();
    this.#filling ??= this.#spawnMissing().finally(() => {
      this.#filling = undefined;
    });
    return this.#filling;
  }

  /**
   * Picks the least loaded live worker for a new router.
   *
   * @param exclude - workers that may not take it.
   * @returns the worker, or `undefined` when every live worker is excluded.
   */
  pick(exclude: ReadonlySet<ms.Worker>): ms.Worker | undefined {
    const index = pickWorker(
      this.#workers.map((pooled) => ({
        transports: pooled.transports,
        routers: pooled.routers,
        excluded: exclude.has(pooled.worker),
      })),
      this.#cursor,
    );
    if (index === -1) return undefined;
    this.#cursor = index + 1;
    return this.#workers[index]?.worker;
  }

  /**
   * Calls `listener` if `worker` dies.
   *
   * @param worker - a worker of the pool.
   * @param listener - called with mediasoup's error, after the worker's routers closed.
   * @returns a function that removes the listener.
   */
  onDied(worker: ms.Worker, listener: (error: Error) => void): () => void {
    const pooled = this.#workers.find((candidate) => candidate.worker === worker);
    pooled?.diedListeners.add(listener);
    return () => pooled?.diedListeners.delete(listener);
  }

  /** Closes every worker (and so every router on them). */
  close(): void {
    this.#closed = true;
    for (const pooled of this.#workers.splice(0)) pooled.worker.close();
  }

  async #spawnMissing(): Promise<void> {
    const mediasoup = await this.#load();
    const missing = this.#size - this.#workers.length;
    const results = await Promise.allSettled(
      Array.from({ length: missing }, () => startWorker(mediasoup, {})),
    );
    for (const result of results) {
      if (result.status === 'rejected') continue;
      if (this.#closed) result.value.close();
      else this.#add(result.value);
    }
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  #add(worker: ms.Worker): void {
    const pooled: PooledWorker = { worker, transports: 0, routers: 0, diedListeners: new Set() };
    this.#workers.push(pooled);
    worker.observer.on('newrouter', (router) => {
      pooled.routers++;
      router.observer.once('close', () => pooled.routers--);
      router.observer.on('newtransport', (transport) => {
        pooled.transports++;
        transport.observer.once('close', () => pooled.transports--);
      });
    });
    worker.once('died', (error) => {
      const index = this.#workers.indexOf(pooled);
      if (index !== -1) this.#workers.splice(index, 1);
      for (const listener of [...pooled.diedListeners]) listener(error);
    });
  }
}
