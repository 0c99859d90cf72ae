import type {
  ListedStatus,
  ListRole,
  MemberListGroupItem,
  MemberListItem,
  MemberListMemberItem,
} from '../types.js';
import { compareFolded } from './collation.js';
import { type Group, GroupCode, GroupTable, ranksAbove } from './group-table.js';
import type { MemberState } from './member-input.js';
import { MemberStore, Status } from './member-store.js';
import type { OpEmitter, RowSource } from './op-emitter.js';
import { RoleSets } from './role-sets.js';
import { formatSnowflake } from './snowflake64.js';

const STATUS_NAMES: readonly ListedStatus[] = ['offline', 'online', 'idle', 'dnd'];

/** Rows one edit took out of or put into the list: a member row, plus its header when alone. */
interface Run {
  readonly row: number;
  readonly count: number;
}

/**
 * The applied state of one list — records, role sets, groups with their indexes — and every
 * edit on it. Each edit reports the rows it deleted or inserted to an {@link OpEmitter} right
 * after the index changed, so the emitter sees every intermediate list.
 */
export class ListCore implements RowSource {
  readonly store = new MemberStore();
  readonly roleSets = new RoleSets();
  readonly groups = new GroupTable(this.store.compare);
  /** Group code of an online member per role set id. */
  private roleSetCode: number[] = [];
  showOffline = true;
  onlineCount = 0;

  /** @param offlineThreshold - lists with more members than this leave offline members out. */
  constructor(private readonly offlineThreshold: number) {}

  /** Rows of the list, headers included. */
  get length(): number {
    return this.groups.length;
  }

  /** @returns the item of `row` (which must exist). */
  item(row: number): MemberListItem {
    const location = this.groups.locate(row)!;
    if (location.rank < 0) return headerItem(location.group);
    return this.memberItem(location.group.index.at(location.rank));
  }

  /** @returns the items of rows `[start, end)`, clipped to the list. O(groups + log N + k). */
  rows(start: number, end: number): MemberListItem[] {
    const items: MemberListItem[] = [];
    let row = 0;
    for (const group of this.groups.all()) {
      if (row >= end) break;
      const size = group.index.size;
      if (size === 0) continue;
      if (row + size + 1 > start) {
        if (start <= row) items.push(headerItem(group));
        const from = Math.max(start - row - 1, 0);
        const to = Math.min(end - row - 1, size);
        if (from < to)
          for (const slot of group.index.slice(from, to)) items.push(this.memberItem(slot));
      }
      row += size + 1;
    }
    return items;
  }

  /** @returns the row of `slot`, or -1 when the member is not listed. */
  rowOf(slot: number): number {
    const code = this.store.group[slot]!;
    if (code === GroupCode.None) return -1;
    return this.groups.start(code) + 1 + this.groups.group(code).index.rankOf(slot);
  }

  /** @returns the member row of `slot`. */
  memberItem(slot: number): MemberListMemberItem {
    const store = this.store;
    const id = formatSnowflake(store.idHi[slot]!, store.idLo[slot]!);
    return {
      member: {
        user: { id, username: store.username[slot]!, global_name: store.globalName[slot] ?? null },
        nick: store.nick[slot] ?? null,
        roles: this.roleSets.roles(store.roleSet[slot]!),
        presence: { user: { id }, status: STATUS_NAMES[store.status[slot]!]! },
      },
    };
  }

  /** @returns the applied state of `slot`. */
  stateOf(slot: number): MemberState {
    const store = this.store;
    return {
      username: store.username[slot]!,
      globalName: store.globalName[slot] ?? null,
      nick: store.nick[slot] ?? null,
      roles: this.roleSets.roles(store.roleSet[slot]!),
      status: store.status[slot]!,
    };
  }

  /** Adds a member with id `hi:lo` (absent) and lists it. */
  join(hi: number, lo: number, state: MemberState, emitter: OpEmitter, touched: Set<number>): void {
    const slot = this.store.allocate(hi, lo);
    this.write(slot, state, true);
    this.moveIn(slot, emitter, touched);
  }

  /** Removes the member in `slot`. */
  leave(slot: number, emitter: OpEmitter, touched: Set<number>): void {
    this.moveOut(slot, emitter, touched);
    if (this.store.status[slot] !== Status.Offline) this.onlineCount -= 1;
    this.roleSets.release(this.store.roleSet[slot]!);
    this.store.release(slot);
  }

  /** Forgets a member that was written but never listed (a failed bulk load). */
  forget(slot: number): void {
    if (this.store.status[slot] !== Status.Offline) this.onlineCount -= 1;
    this.roleSets.release(this.store.roleSet[slot]!);
    this.store.release(slot);
  }

  /**
   * Changes the member in `slot` to `next`: an UPDATE when its group and sort key stay, else
   * remove (old key) -> write -> insert (new key). Nothing when `next` equals the record.
   */
  change(slot: number, next: MemberState, emitter: OpEmitter, touched: Set<number>): void {
    const store = this.store;
    if (this.matches(slot, next)) return;
    const nextCode = this.codeFor(next.status, next.roles);
    const nextName = next.nick ?? next.globalName ?? next.username;
    if (nextCode === store.group[slot] && compareFolded(store.displayName(slot), nextName) === 0) {
      this.write(slot, next, false);
      if (nextCode === GroupCode.None) return;
      const row = this.watchedRowOf(slot, nextCode, emitter);
      if (emitter.watches(row)) emitter.updated(row, this.memberItem(slot));
      return;
    }
    emitter.mark();
    const out = this.moveOut(slot, emitter, touched);
    this.write(slot, next, false);
    const into = this.moveIn(slot, emitter, touched);
    if (out?.count === 1 && into?.count === 1) {
      emitter.dropIfOutside(Math.min(out.row, into.row), Math.max(out.row, into.row));
    }
  }

  /**
   * Replaces the role table: members whose top hoisted role changes move between groups
   * (an O(N) scan of the records, only when some role set is affected). Emits nothing: the
   * caller resyncs every subscriber.
   */
  setRoles(table: ReadonlyMap<string, ListRole>): void {
    const before = this.groups.roleTable;
    const affected = new Uint8Array(this.roleSets.capacity);
    let any = false;
    for (let id = 0; id < affected.length; id++) {
      if (!this.roleSets.isLive(id)) continue;
      const roles = this.roleSets.roles(id);
      if (topHoisted(roles, before) !== topHoisted(roles, table)) {
        affected[id] = 1;
        any = true;
      }
    }
    const moved: number[] = [];
    const store = this.store;
    if (any) {
      for (let slot = 0; slot < store.slotLimit; slot++) {
        const code = store.group[slot]!;
        if (code === GroupCode.None || code === GroupCode.Offline) continue;
        if (!store.isLive(slot) || affected[store.roleSet[slot]!] !== 1) continue;
        this.groups.group(code).index.remove(slot);
        store.group[slot] = GroupCode.None;
        moved.push(slot);
      }
    }
    this.groups.setRoles(table);
    this.roleSetCode = [];
    for (let id = 0; id < affected.length; id++) {
      if (this.roleSets.isLive(id))
        this.roleSetCode[id] = this.groups.codeForRoles(this.roleSets.roles(id));
    }
    for (const slot of moved) {
      const code = this.codeOfSlot(slot);
      store.group[slot] = code;
      this.groups.group(code).index.insert(slot);
    }
  }

  /**
   * Shows or hides the offline group to match the member count against the threshold.
   *
   * @returns whether it flipped (the caller then resyncs every subscriber).
   */
  syncOfflineVisibility(): boolean {
    const show = this.store.count <= this.offlineThreshold;
    if (show === this.showOffline) return false;
    this.showOffline = show;
    const store = this.store;
    const offline = this.groups.group(GroupCode.Offline).index;
    if (!show) {
      for (const slot of offline.slice(0, offline.size)) store.group[slot] = GroupCode.None;
      offline.loadSorted([]);
      return true;
    }
    const slots: number[] = [];
    for (let slot = 0; slot < store.slotLimit; slot++) {
      if (store.isLive(slot) && store.status[slot] === Status.Offline) {
        store.group[slot] = GroupCode.Offline;
        slots.push(slot);
      }
    }
    offline.loadSorted(slots.sort(store.compare));
    return true;
  }

  /** Lists every stored member from scratch: one sort and bulk load per group. */
  rebuild(): void {
    const store = this.store;
    this.showOffline = store.count <= this.offlineThreshold;
    const buckets = new Map<number, number[]>();
    for (let slot = 0; slot < store.slotLimit; slot++) {
      if (!store.isLive(slot)) continue;
      const code = this.codeOfSlot(slot);
      store.group[slot] = code;
      if (code === GroupCode.None) continue;
      const bucket = buckets.get(code);
      if (bucket === undefined) buckets.set(code, [slot]);
      else bucket.push(slot);
    }
    for (const group of this.groups.all()) {
      group.index.loadSorted((buckets.get(group.code) ?? []).sort(store.compare));
    }
  }

  /**
   * Writes `state` into `slot` without listing it (bulk loads call {@link ListCore.rebuild}).
   * A state whose roles are the slot's own interned array (a status or name change) keeps its
   * role set without hashing the roles again.
   */
  write(slot: number, state: MemberState, fresh: boolean): void {
    const store = this.store;
    if (!fresh && this.roleSets.roles(store.roleSet[slot]!) === state.roles) {
      if (store.status[slot] !== Status.Offline) this.onlineCount -= 1;
    } else {
      const roleSet = this.roleSets.acquire(state.roles);
      if (!fresh) {
        this.roleSets.release(store.roleSet[slot]!);
        if (store.status[slot] !== Status.Offline) this.onlineCount -= 1;
      }
      this.roleSetCode[roleSet] = this.groups.codeForRoles(this.roleSets.roles(roleSet));
      store.roleSet[slot] = roleSet;
    }
    if (state.status !== Status.Offline) this.onlineCount += 1;
    store.status[slot] = state.status;
    store.setNames(slot, state.username, state.globalName, state.nick);
  }

  private matches(slot: number, next: MemberState): boolean {
    const store = this.store;
    return (
      store.status[slot] === next.status &&
      store.username[slot] === next.username &&
      (store.globalName[slot] ?? null) === next.globalName &&
      (store.nick[slot] ?? null) === next.nick &&
      (this.roleSets.roles(store.roleSet[slot]!) === next.roles ||
        this.roleSets.equals(store.roleSet[slot]!, next.roles))
    );
  }

  private codeOfSlot(slot: number): number {
    const store = this.store;
    if (store.status[slot] === Status.Offline) {
      return this.showOffline ? GroupCode.Offline : GroupCode.None;
    }
    return this.roleSetCode[store.roleSet[slot]!]!;
  }

  private codeFor(status: number, roles: readonly string[]): number {
    if (status === Status.Offline) return this.showOffline ? GroupCode.Offline : GroupCode.None;
    return this.groups.codeForRoles(roles);
  }

  private moveOut(slot: number, emitter: OpEmitter, touched: Set<number>): Run | undefined {
    const code = this.store.group[slot]!;
    if (code === GroupCode.None) return undefined;
    const row = this.watchedRowOf(slot, code, emitter);
    const index = this.groups.group(code).index;
    index.remove(slot);
    this.store.group[slot] = GroupCode.None;
    touched.add(code);
    const run = index.size === 0 ? { row: row - 1, count: 2 } : { row, count: 1 };
    if (emitter.watches(run.row)) emitter.deleted(run.row, run.count);
    return run;
  }

  private moveIn(slot: number, emitter: OpEmitter, touched: Set<number>): Run | undefined {
    const code = this.codeOfSlot(slot);
    if (code === GroupCode.None) return undefined;
    const group = this.groups.group(code);
    const wasEmpty = group.index.size === 0;
    group.index.insert(slot);
    this.store.group[slot] = code;
    touched.add(code);
    const row = this.watchedRowOf(slot, code, emitter);
    if (wasEmpty) {
      if (emitter.watches(row - 1))
        emitter.inserted(row - 1, [headerItem(group), this.memberItem(slot)]);
      return { row: row - 1, count: 2 };
    }
    if (emitter.watches(row)) emitter.inserted(row, [this.memberItem(slot)]);
    return { row, count: 1 };
  }

  /**
   * The row of `slot`, listed in group `code`, as far as `emitter`'s subscribers can tell: the
   * exact row when they watch the group's first member row, else that first member row, which
   * like the exact row lies past every subscribed row (so no rank lookup is needed).
   */
  private watchedRowOf(slot: number, code: number, emitter: OpEmitter): number {
    const firstMemberRow = this.groups.start(code) + 1;
    if (!emitter.watches(firstMemberRow)) return firstMemberRow;
    return firstMemberRow + this.groups.group(code).index.rankOf(slot);
  }

  /** Approximate bytes of records and indexes; see the package docs for the method. */
  estimateBytes(): number {
    let bytes = this.store.estimateBytes();
    for (const group of this.groups.all()) bytes += group.index.estimateBytes();
    return bytes;
  }
}

/** @returns the header row of `group`. */
export function headerItem(group: Group): MemberListGroupItem {
  return { group: { id: group.id, count: group.index.size } };
}

function topHoisted(
  roles: readonly string[],
  table: ReadonlyMap<string, ListRole>,
): string | undefined {
  let top: ListRole | undefined;
  for (const id of roles) {
    const role = table.get(id);
    if (role?.hoist === true && (top === undefined || ranksAbove(role, top))) top = role;
  }
  return top?.id;
}
