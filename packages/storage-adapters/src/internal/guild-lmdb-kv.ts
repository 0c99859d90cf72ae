/**
 * A {@link KvStore} in an LMDB database: keys are `[scope, id]` arrays in lmdb-js's
 * ordered-binary encoding (ids as bigints, so a scope's range scans ascend numerically), and a
 * commit is one synchronous, fsynced LMDB transaction.
 */
import type { Key, RootDatabase } from 'lmdb';
import type { KvStore, KvValue, KvWrite } from './guild-kv.js';

/** A key of the guild database: `[scope, id]`, the id decoded as a number when exact. */
export type GuildLmdbKey = Key;

/** Above every Snowflake: the open end of a scope's range. */
const ABOVE_ANY_ID = 2n ** 64n;

/** lmdb-js encodes bigints in keys though its `Key` type does not list them. */
function keyOf(scope: string, id: bigint): GuildLmdbKey {
  return [scope, id] as unknown as GuildLmdbKey;
}

function idOf(key: GuildLmdbKey): string {
  return BigInt((key as unknown as readonly [string, number | bigint])[1]).toString();
}

/** Key-value entries in an LMDB database the store owns. */
export class LmdbKvStore implements KvStore {
  readonly #db: RootDatabase<KvValue, GuildLmdbKey>;

  /**
   * @param db - the open database; {@link LmdbKvStore.close} closes it.
   */
  constructor(db: RootDatabase<KvValue, GuildLmdbKey>) {
    this.#db = db;
  }

  /** @returns the entry's value, or `undefined`. */
  get(scope: string, id: string): KvValue | undefined {
    return this.#db.get(keyOf(scope, BigInt(id)));
  }

  /** @returns the scope's entries above `after`, ascending by id. */
  *scan(scope: string, after: string | undefined): Iterable<readonly [string, KvValue]> {
    const start = keyOf(scope, after === undefined ? 0n : BigInt(after) + 1n);
    for (const { key, value } of this.#db.getRange({ start, end: keyOf(scope, ABOVE_ANY_ID) })) {
      yield [idOf(key), value];
    }
  }

  /** Applies the writes in one LMDB transaction, committed and synced before returning. */
  commit(writes: readonly KvWrite[]): void {
    if (writes.length === 0) return;
    this.#db.transactionSync(() => {
      for (const { scope, id, value } of writes) {
        const key = keyOf(scope, BigInt(id));
        if (value === undefined) this.#db.removeSync(key);
        else this.#db.putSync(key, value);
      }
    });
  }

  /** Closes the database. */
  close(): Promise<void> {
    return this.#db.close();
  }
}
