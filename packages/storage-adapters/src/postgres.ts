/**
 * `@guildkit/storage-adapters/postgres`: the guild store on PostgreSQL. A separate entry point
 * keeps the `pg` dependency (an optional peer) out of users who don't need it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresGuildStore } from '@guildkit/storage-adapters/postgres';
 *
 * const store = new PostgresGuildStore({ pool: new pg.Pool() });
 * await store.migrate();
 * ```
 */
export {
  DEFAULT_POSTGRES_GUILD_STORE_OPTIONS,
  PostgresGuildStore,
  type PostgresGuildStoreOptions,
} from './postgres-guild-store.js';
