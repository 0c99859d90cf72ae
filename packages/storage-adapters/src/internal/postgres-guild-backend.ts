/**
 * The guild backend on PostgreSQL: reads go through the pool; a write is BEGIN … COMMIT on one
 * client of the pool (ROLLBACK when anything in it throws), with the guild row locked first.
 */
import type { Pool, PoolClient } from 'pg';
import type { GuildBackend, GuildRepository } from './guild-repository.js';
import { toStorageError } from './postgres-errors.js';
import { postgresGuildRepository, type Queryable } from './postgres-guild-repository.js';

/** A {@link GuildBackend} on a `pg` pool the caller owns. */
export class PostgresGuildBackend implements GuildBackend {
  readonly #pool: Pool;
  readonly #schema: string;

  /**
   * @param pool - the caller's pool (not ended by {@link PostgresGuildBackend.close}).
   * @param schema - the validated schema name.
   */
  constructor(pool: Pool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
  }

  /** Runs `fn` with queries on the pool. @returns what `fn` returns. */
  async read<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T> {
    try {
      return await fn(postgresGuildRepository(this.#pool as Queryable, this.#schema, false));
    } catch (error) {
      throw toStorageError(error, 'read');
    }
  }

  /** Runs `fn` in one transaction on one client. @returns what `fn` returns. */
  async write<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw toStorageError(error, 'connect');
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(postgresGuildRepository(client as Queryable, this.#schema, true));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw toStorageError(error, 'transaction');
    } finally {
      client.release(broken);
    }
  }

  /** Nothing to release: the pool is the caller's. */
  async close(): Promise<void> {}
}
