import type { Clock } from '@guildkit/snowflake';
import { open } from 'lmdb';
import { StorageUnavailableError } from './errors.js';
import { KvGuildBackend, type KvValue } from './internal/guild-kv.js';
import { kvGuildRepository } from './internal/guild-kv-repository.js';
import { type GuildLmdbKey, LmdbKvStore } from './internal/guild-lmdb-kv.js';
import { RepositoryGuildStore, SYSTEM_CLOCK } from './internal/guild-store-base.js';

/** Options of {@link LmdbGuildStore.open}. */
export interface LmdbGuildStoreOptions {
  /** The directory of the LMDB environment; created when missing. Not shared with other stores. */
  readonly path: string;
  /**
   * Where `joinedAt` and the 28-day timeout bound read time from.
   * @defaultValue `Date.now`
   */
  readonly clock?: Clock;
}

/**
 * A {@link GuildStore} in an embedded LMDB database (lmdb-js): durable and serverless, the
 * reference server's default for guild data.
 *
 * Each change collects its writes, then commits them in one synchronous LMDB transaction that
 * is fsynced before the change resolves (`overlappingSync: false`), so a change is all or
 * nothing, also across a crash. Changes run one at a time in the process; give each process
 * its own `path` (two processes writing one environment could both pass a check).
 *
 * @example
 * ```ts
 * import { LmdbGuildStore } from '@guildkit/storage-adapters/lmdb';
 *
 * const store = await LmdbGuildStore.open({ path: './data/guilds' });
 * await store.createGuild({ id: '81384788765712384', name: 'Discord API', ownerId: '53908232506183680' });
 * await store.close();
 * ```
 */
export class LmdbGuildStore extends RepositoryGuildStore {
  private constructor(store: LmdbKvStore, clock: Clock) {
    super(new KvGuildBackend(store, kvGuildRepository), clock);
  }

  /**
   * Opens (or creates) the store at `options.path`.
   *
   * @param options - where the database lives and the clock.
   * @returns the open store.
   * @throws StorageUnavailableError (`GK_STORAGE_UNAVAILABLE`) when LMDB cannot open the path.
   */
  static async open(options: LmdbGuildStoreOptions): Promise<LmdbGuildStore> {
    try {
      const db = open<KvValue, GuildLmdbKey>({ path: options.path, overlappingSync: false });
      return new LmdbGuildStore(new LmdbKvStore(db), options.clock ?? SYSTEM_CLOCK);
    } catch (cause) {
      throw new StorageUnavailableError(`lmdb: cannot open ${options.path}`, { cause });
    }
  }
}
