import type { Clock } from '@guildkit/snowflake';
import type { Pool } from 'pg';
import { StorageError, StorageErrorCode } from './errors.js';
import { RepositoryGuildStore, SYSTEM_CLOCK } from './internal/guild-store-base.js';
import { toStorageError } from './internal/postgres-errors.js';
import { PostgresGuildBackend } from './internal/postgres-guild-backend.js';
import { runMigrations } from './internal/postgres-migrations.js';

/** Options of {@link PostgresGuildStore}. */
export interface PostgresGuildStoreOptions {
  /** The `pg` pool to use; it stays yours: {@link PostgresGuildStore.close} does not end it. */
  readonly pool: Pool;
  /**
   * The schema holding the store's tables: a lower-case identifier (`[a-z_][a-z0-9_]*`, at most
   * 63 characters). Tests use a throwaway one.
   * @defaultValue `'guildkit'`
   */
  readonly schema?: string;
  /**
   * Where `joinedAt` and the 28-day timeout bound read time from.
   * @defaultValue `Date.now`
   */
  readonly clock?: Clock;
}

/** The defaults of {@link PostgresGuildStoreOptions}. */
export const DEFAULT_POSTGRES_GUILD_STORE_OPTIONS = {
  schema: 'guildkit',
} as const satisfies Partial<PostgresGuildStoreOptions>;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A {@link GuildStore} on PostgreSQL through `pg`.
 *
 * - Schema: versioned migrations (see {@link PostgresGuildStore.migrate}); ids and permission
 *   bitfields are `numeric(20,0)`, so every Snowflake and all 64 permission bits round-trip
 *   exactly; a guild's rows reference it with `ON DELETE CASCADE`.
 * - Changes: each runs as one transaction (BEGIN … COMMIT on one pooled client, ROLLBACK on any
 *   failure) that first locks the guild's row, so changes to one guild run one after another
 *   across processes and a reorder, a role delete or a guild delete is all or nothing.
 * - Reads: plain queries on the pool; a channel comes with its overwrites in one statement.
 * - Errors: a lost race to insert the same id is `GK_STORAGE_ALREADY_EXISTS`; every other
 *   driver or server failure is `GK_STORAGE_UNAVAILABLE` with the driver's error as `cause`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresGuildStore } from '@guildkit/storage-adapters/postgres';
 *
 * const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
 * const store = new PostgresGuildStore({ pool });
 * await store.migrate();
 * await store.createGuild({ id: '81384788765712384', name: 'Discord API', ownerId: '53908232506183680' });
 * await store.close();
 * await pool.end();
 * ```
 */
export class PostgresGuildStore extends RepositoryGuildStore {
  readonly #pool: Pool;
  readonly #schema: string;

  /**
   * @param options - the pool, schema and clock.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a schema name that is not a plain
   * lower-case identifier.
   */
  constructor(options: PostgresGuildStoreOptions) {
    const schema = options.schema ?? DEFAULT_POSTGRES_GUILD_STORE_OPTIONS.schema;
    if (!SCHEMA_NAME.test(schema)) {
      throw new StorageError(
        StorageErrorCode.InvalidArgument,
        `schema must match ${SCHEMA_NAME.source}, got ${JSON.stringify(schema)}`,
      );
    }
    super(new PostgresGuildBackend(options.pool, schema), options.clock ?? SYSTEM_CLOCK);
    this.#pool = options.pool;
    this.#schema = schema;
  }

  /**
   * Creates the schema when missing and applies every migration it lacks, each once in its own
   * transaction, recorded in `<schema>.guildkit_migrations`. Idempotent, and safe when several
   * processes call it at once: a PostgreSQL advisory lock on the schema name serializes them.
   *
   * @returns the versions this call applied (empty when the schema was already current).
   * @throws StorageError `GK_STORAGE_UNAVAILABLE` when PostgreSQL fails (the failed migration
   * is rolled back); `GK_STORAGE_CLOSED` after close.
   */
  async migrate(): Promise<number[]> {
    this.assertOpen();
    try {
      return await runMigrations(this.#pool, this.#schema);
    } catch (error) {
      throw toStorageError(error, 'migrate');
    }
  }
}
