/**
 * A {@link KvStore} in process memory: one map per scope, with the scope's ids kept sorted
 * lazily (sorted again on the first scan after a change).
 */
import type { KvStore, KvValue, KvWrite } from './guild-kv.js';
import { compareIds } from './guild-order.js';

interface Scope {
  readonly entries: Map<string, KvValue>;
  sorted: string[] | undefined;
}

/** Index of the first id in `sorted` above `after`. */
function firstAbove(sorted: readonly string[], after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareIds(sorted[middle]!, after) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Key-value entries in memory; commits are synchronous, hence atomic. */
export class MemoryKvStore implements KvStore {
  readonly #scopes = new Map<string, Scope>();

  /** @returns the entry's value, or `undefined`. */
  get(scope: string, id: string): KvValue | undefined {
    return this.#scopes.get(scope)?.entries.get(id);
  }

  /** @returns the scope's entries above `after`, ascending by id. */
  *scan(scopeName: string, after: string | undefined): Iterable<readonly [string, KvValue]> {
    const scope = this.#scopes.get(scopeName);
    if (scope === undefined) return;
    scope.sorted ??= [...scope.entries.keys()].sort(compareIds);
    const sorted = scope.sorted;
    for (
      let index = after === undefined ? 0 : firstAbove(sorted, after);
      index < sorted.length;
      index++
    ) {
      const id = sorted[index]!;
      const value = scope.entries.get(id);
      if (value !== undefined) yield [id, value];
    }
  }

  /** Applies the writes. */
  commit(writes: readonly KvWrite[]): void {
    for (const { scope: scopeName, id, value } of writes) {
      let scope = this.#scopes.get(scopeName);
      if (value === undefined) {
        if (scope?.entries.delete(id)) scope.sorted = undefined;
        if (scope?.entries.size === 0) this.#scopes.delete(scopeName);
        continue;
      }
      if (scope === undefined) {
        scope = { entries: new Map(), sorted: undefined };
        this.#scopes.set(scopeName, scope);
      }
      if (!scope.entries.has(id)) scope.sorted = undefined;
      scope.entries.set(id, value);
    }
  }

  /** Drops every entry. */
  async close(): Promise<void> {
    this.#scopes.clear();
  }
}
