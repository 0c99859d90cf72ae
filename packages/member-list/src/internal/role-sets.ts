import { compareSnowflakeStrings } from './snowflake-order.js';

/**
 * Interns members' role lists: members with the same roles share one frozen, sorted array and
 * one small id, so a member record stores 4 bytes for its roles. Ids of unused sets are reused.
 */
export class RoleSets {
  private readonly idByKey = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly lists: (readonly string[])[] = [];
  private readonly references: number[] = [];
  private readonly freeIds: number[] = [];

  /** How many ids have ever been handed out (live and free); ids are `< capacity`. */
  get capacity(): number {
    return this.lists.length;
  }

  /**
   * @returns the id of the set holding exactly `roles` (order and duplicates ignored), with
   * one more reference.
   */
  acquire(roles: readonly string[]): number {
    const sorted = canonical(roles);
    const key = sorted.join(',');
    let id = this.idByKey.get(key);
    if (id === undefined) {
      id = this.freeIds.pop() ?? this.lists.length;
      this.idByKey.set(key, id);
      this.keys[id] = key;
      this.lists[id] = Object.freeze(sorted);
      this.references[id] = 0;
    }
    this.references[id]! += 1;
    return id;
  }

  /** Drops one reference to `id`; the id is freed when none remain. */
  release(id: number): void {
    const left = this.references[id]! - 1;
    this.references[id] = left;
    if (left > 0) return;
    this.idByKey.delete(this.keys[id]!);
    this.keys[id] = '';
    this.lists[id] = EMPTY;
    this.freeIds.push(id);
  }

  /** @returns whether `id` is in use. */
  isLive(id: number): boolean {
    return (this.references[id] ?? 0) > 0;
  }

  /** @returns the sorted, frozen role ids of set `id`. */
  roles(id: number): readonly string[] {
    return this.lists[id]!;
  }

  /** @returns whether set `id` holds exactly `roles` (order and duplicates ignored). */
  equals(id: number, roles: readonly string[]): boolean {
    return this.keys[id] === canonical(roles).join(',');
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

function canonical(roles: readonly string[]): string[] {
  return [...new Set(roles)].sort(compareSnowflakeStrings);
}
