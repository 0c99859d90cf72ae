/**
 * The guild backend of key-value stores (memory, LMDB): a transaction collects its writes in an
 * overlay (reads see them), then commits them to the store in one atomic step. Transactions run
 * one at a time per store, so a transaction's reads cannot go stale before its commit.
 */
import { StorageError, StorageUnavailableError } from '../errors.js';
import { compareIds } from './guild-order.js';
import type { GuildBackend, GuildRepository } from './guild-repository.js';

/** A value as a key-value store holds it: plain data (strings, numbers, booleans, arrays). */
export type KvValue = unknown;

/** One write of a commit: `value` `undefined` deletes the entry. */
export interface KvWrite {
  readonly scope: string;
  readonly id: string;
  readonly value: KvValue | undefined;
}

/**
 * Entries addressed by a scope (e.g. one guild's roles) and an id (a canonical decimal
 * Snowflake), scanned in ascending numeric id order within a scope.
 */
export interface KvView {
  /** @returns the entry's value, or `undefined`. */
  get(scope: string, id: string): KvValue | undefined;
  /** @returns the scope's entries with ids above `after` (all when `undefined`), ascending. */
  scan(scope: string, after: string | undefined): Iterable<readonly [string, KvValue]>;
}

/** A store a {@link KvGuildBackend} runs on. */
export interface KvStore extends KvView {
  /** Applies every write at once, or none when it throws. */
  commit(writes: readonly KvWrite[]): void;
  /** Releases the store. */
  close(): Promise<void>;
}

/** A {@link KvView} a repository may write to. */
export interface KvWritableView extends KvView {
  /** Sets (or with `undefined`, deletes) an entry. */
  set(scope: string, id: string, value: KvValue | undefined): void;
}

class Overlay implements KvWritableView {
  readonly #base: KvView;
  readonly #scopes = new Map<string, Map<string, KvValue | undefined>>();

  constructor(base: KvView) {
    this.#base = base;
  }

  get(scope: string, id: string): KvValue | undefined {
    const changes = this.#scopes.get(scope);
    if (changes?.has(id)) return changes.get(id);
    return this.#base.get(scope, id);
  }

  *scan(scope: string, after: string | undefined): Iterable<readonly [string, KvValue]> {
    const changes = this.#scopes.get(scope);
    if (changes === undefined) {
      yield* this.#base.scan(scope, after);
      return;
    }
    const pending = [...changes.keys()]
      .filter((id) => after === undefined || compareIds(id, after) > 0)
      .sort(compareIds);
    let next = 0;
    for (const [id, value] of this.#base.scan(scope, after)) {
      while (next < pending.length && compareIds(pending[next]!, id) < 0) {
        yield* this.#changed(changes, pending[next]!);
        next += 1;
      }
      if (changes.has(id)) {
        if (pending[next] === id) next += 1;
        yield* this.#changed(changes, id);
      } else {
        yield [id, value];
      }
    }
    for (; next < pending.length; next += 1) yield* this.#changed(changes, pending[next]!);
  }

  *#changed(
    changes: Map<string, KvValue | undefined>,
    id: string,
  ): Iterable<readonly [string, KvValue]> {
    const value = changes.get(id);
    if (value !== undefined) yield [id, value];
  }

  set(scope: string, id: string, value: KvValue | undefined): void {
    let changes = this.#scopes.get(scope);
    if (changes === undefined) {
      changes = new Map();
      this.#scopes.set(scope, changes);
    }
    changes.set(id, value);
  }

  writes(): KvWrite[] {
    const writes: KvWrite[] = [];
    for (const [scope, changes] of this.#scopes) {
      for (const [id, value] of changes) writes.push({ scope, id, value });
    }
    return writes;
  }
}

class ReadOnlyView implements KvWritableView {
  readonly #base: KvView;

  constructor(base: KvView) {
    this.#base = base;
  }

  get(scope: string, id: string): KvValue | undefined {
    return this.#base.get(scope, id);
  }

  scan(scope: string, after: string | undefined): Iterable<readonly [string, KvValue]> {
    return this.#base.scan(scope, after);
  }

  set(): void {
    throw new Error('a read of the guild store tried to write');
  }
}

function unavailable(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  return new StorageUnavailableError('the key-value store failed', { cause: error });
}

/**
 * A {@link GuildBackend} over a {@link KvStore}; `repositoryOf` turns a view into the rows.
 */
export class KvGuildBackend implements GuildBackend {
  readonly #store: KvStore;
  readonly #repositoryOf: (view: KvWritableView) => GuildRepository;
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * @param store - where entries live.
   * @param repositoryOf - builds the row access over a view.
   */
  constructor(store: KvStore, repositoryOf: (view: KvWritableView) => GuildRepository) {
    this.#store = store;
    this.#repositoryOf = repositoryOf;
  }

  /** Runs `fn` on committed entries. @returns what `fn` returns. */
  async read<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#repositoryOf(new ReadOnlyView(this.#store)));
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Runs `fn` alone, then commits its writes at once. @returns what `fn` returns. */
  write<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T> {
    const run = this.#tail.then(async () => {
      const overlay = new Overlay(this.#store);
      try {
        const result = await fn(this.#repositoryOf(overlay));
        this.#store.commit(overlay.writes());
        return result;
      } catch (error) {
        throw unavailable(error);
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued transactions, then closes the store. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#store.close();
  }
}
