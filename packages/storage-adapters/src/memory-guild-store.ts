import type { Clock } from '@guildkit/snowflake';
import { KvGuildBackend } from './internal/guild-kv.js';
import { kvGuildRepository } from './internal/guild-kv-repository.js';
import { MemoryKvStore } from './internal/guild-memory-kv.js';
import { RepositoryGuildStore, SYSTEM_CLOCK } from './internal/guild-store-base.js';

/** Options of {@link MemoryGuildStore}. */
export interface MemoryGuildStoreOptions {
  /**
   * Where `joinedAt` and the 28-day timeout bound read time from.
   * @defaultValue `Date.now`
   */
  readonly clock?: Clock;
}

/**
 * A {@link GuildStore} in process memory: for tests, demos and single-process servers that
 * need no durability. Changes run one at a time and commit at once, so a failed change leaves
 * nothing behind. Listing members sorts a guild's ids once after each membership change;
 * deleting a role scans the guild's members.
 *
 * @example
 * ```ts
 * const store = new MemoryGuildStore();
 * await store.createGuild({ id: '81384788765712384', name: 'Discord API', ownerId: '53908232506183680' });
 * await store.createRole('81384788765712384', { id: '81384788765712385', name: 'mods', position: 1 });
 * ```
 */
export class MemoryGuildStore extends RepositoryGuildStore {
  /**
   * @param options - the clock.
   */
  constructor(options: MemoryGuildStoreOptions = {}) {
    super(
      new KvGuildBackend(new MemoryKvStore(), kvGuildRepository),
      options.clock ?? SYSTEM_CLOCK,
    );
  }
}
