import { compareFolded } from './collation.js';
import { SORT_PREFIX_WORDS, writeSortPrefix } from './sort-prefix.js';

/** Status codes of {@link MemberStore.status}. */
export const Status = { Offline: 0, Online: 1, Idle: 2, Dnd: 3 } as const;

const INITIAL_CAPACITY = 64;
const EMPTY_ENTRY = 0;

/**
 * The member records of one list as parallel arrays indexed by slot: no object per member.
 *
 * Per slot: the user id as two uint32 halves, status (uint8), role set id (uint32), current
 * group code (uint16), references to the username / global name / nickname strings, and the
 * display name's sort prefix (two float64s, see {@link writeSortPrefix}) that settles most
 * comparisons without reading a string. The
 * user id -> slot lookup is an open-addressing table of int32 (slot + 1, 0 = empty) probed
 * linearly over the id halves, instead of a `Map<string, number>` that would also keep a
 * string per member. Freed slots are reused.
 */
export class MemberStore {
  idHi = new Uint32Array(INITIAL_CAPACITY);
  idLo = new Uint32Array(INITIAL_CAPACITY);
  status = new Uint8Array(INITIAL_CAPACITY);
  roleSet = new Uint32Array(INITIAL_CAPACITY);
  group = new Uint16Array(INITIAL_CAPACITY);
  /** {@link SORT_PREFIX_WORDS} words per slot: the sort prefix of the display name. */
  sortPrefix = new Float64Array(INITIAL_CAPACITY * SORT_PREFIX_WORDS);
  readonly username: string[] = [];
  readonly globalName: (string | null)[] = [];
  readonly nick: (string | null)[] = [];
  private readonly freeSlots: number[] = [];
  private table = new Int32Array(INITIAL_CAPACITY * 2);
  private mask = INITIAL_CAPACITY * 2 - 1;
  private live = 0;
  private highWater = 0;

  /** How many members are stored. */
  get count(): number {
    return this.live;
  }

  /** Every slot ever used is `< slotLimit`; free ones hold stale data. */
  get slotLimit(): number {
    return this.highWater;
  }

  /** Grows the arrays so `total` members fit without further growth. */
  reserve(total: number): void {
    if (total > this.idHi.length) this.growRecords(total);
    let tableSize = this.table.length;
    while (tableSize < total * 2) tableSize *= 2;
    if (tableSize !== this.table.length) this.rehash(tableSize);
  }

  /** @returns the slot of the member with id `hi:lo`, or -1. */
  find(hi: number, lo: number): number {
    const table = this.table;
    const mask = this.mask;
    for (let at = hash(hi, lo) & mask; ; at = (at + 1) & mask) {
      const entry = table[at]!;
      if (entry === EMPTY_ENTRY) return -1;
      const slot = entry - 1;
      if (this.idLo[slot] === lo && this.idHi[slot] === hi) return slot;
    }
  }

  /** Takes a slot for a new member with id `hi:lo` (the caller checked it is absent). */
  allocate(hi: number, lo: number): number {
    const slot = this.freeSlots.pop() ?? this.highWater++;
    if (slot >= this.idHi.length) this.growRecords(slot + 1);
    this.idHi[slot] = hi;
    this.idLo[slot] = lo;
    this.group[slot] = 0;
    this.live += 1;
    if (this.live * 2 > this.table.length) this.rehash(this.table.length * 2);
    this.insertEntry(slot);
    return slot;
  }

  /** Frees `slot` and forgets its id and strings. */
  release(slot: number): void {
    this.deleteEntry(slot);
    this.username[slot] = '';
    this.globalName[slot] = null;
    this.nick[slot] = null;
    this.live -= 1;
    this.freeSlots.push(slot);
  }

  /** @returns whether `slot` holds a member (usernames are never empty; a freed slot's is). */
  isLive(slot: number): boolean {
    return slot < this.highWater && this.username[slot] !== '';
  }

  /**
   * Sets the names of `slot` and the sort prefix of its display name (recomputed only when the
   * display name changes). The slot must not be in an index while its display name changes.
   */
  setNames(slot: number, username: string, globalName: string | null, nick: string | null): void {
    const displayName = nick ?? globalName ?? username;
    const unchanged = this.displayName(slot) === displayName;
    this.username[slot] = username;
    this.globalName[slot] = globalName;
    this.nick[slot] = nick;
    if (!unchanged) writeSortPrefix(displayName, this.sortPrefix, slot * SORT_PREFIX_WORDS);
  }

  /** @returns the name the list shows: nickname, else global name, else username. */
  displayName(slot: number): string {
    return this.nick[slot] ?? this.globalName[slot] ?? this.username[slot]!;
  }

  /**
   * The order inside a group: display names compared case-insensitively
   * ({@link compareFolded}), then user ids as unsigned 64-bit numbers. The sort prefixes
   * decide first; only slots with equal prefixes read their names.
   */
  readonly compare = (a: number, b: number): number => {
    const prefix = this.sortPrefix;
    const atA = a * SORT_PREFIX_WORDS;
    const atB = b * SORT_PREFIX_WORDS;
    const firstA = prefix[atA]!;
    const firstB = prefix[atB]!;
    if (firstA !== firstB) return firstA < firstB ? -1 : 1;
    const secondA = prefix[atA + 1]!;
    const secondB = prefix[atB + 1]!;
    if (secondA !== secondB) return secondA < secondB ? -1 : 1;
    const byName = compareFolded(this.displayName(a), this.displayName(b));
    if (byName !== 0) return byName;
    const hiA = this.idHi[a]!;
    const hiB = this.idHi[b]!;
    if (hiA !== hiB) return hiA - hiB;
    return this.idLo[a]! - this.idLo[b]!;
  };

  /**
   * Approximate bytes of the records: typed arrays (sort prefixes included) by byte length,
   * 8 bytes per string-array element, each distinct string as V8 lays it out (16-byte header, 1 or 2 bytes per code
   * unit, 8-byte aligned), the id table and the free-slot stack.
   */
  estimateBytes(): number {
    let bytes =
      this.idHi.byteLength +
      this.idLo.byteLength +
      this.status.byteLength +
      this.roleSet.byteLength +
      this.group.byteLength +
      this.sortPrefix.byteLength +
      this.table.byteLength +
      8 *
        (this.username.length + this.globalName.length + this.nick.length + this.freeSlots.length);
    for (let slot = 0; slot < this.highWater; slot++) {
      const username = this.username[slot]!;
      bytes += stringBytes(username);
      const globalName = this.globalName[slot] ?? null;
      if (globalName !== null && globalName !== username) bytes += stringBytes(globalName);
      const nick = this.nick[slot] ?? null;
      if (nick !== null && nick !== username && nick !== globalName) bytes += stringBytes(nick);
    }
    return bytes;
  }

  private growRecords(minimum: number): void {
    let size = this.idHi.length;
    while (size < minimum) size = Math.ceil(size * 1.5);
    this.idHi = grow(this.idHi, new Uint32Array(size));
    this.idLo = grow(this.idLo, new Uint32Array(size));
    this.status = grow(this.status, new Uint8Array(size));
    this.roleSet = grow(this.roleSet, new Uint32Array(size));
    this.group = grow(this.group, new Uint16Array(size));
    this.sortPrefix = grow(this.sortPrefix, new Float64Array(size * SORT_PREFIX_WORDS));
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (const entry of old) if (entry !== EMPTY_ENTRY) this.insertEntry(entry - 1);
  }

  private insertEntry(slot: number): void {
    const mask = this.mask;
    let at = hash(this.idHi[slot]!, this.idLo[slot]!) & mask;
    while (this.table[at] !== EMPTY_ENTRY) at = (at + 1) & mask;
    this.table[at] = slot + 1;
  }

  /** Linear-probing deletion by backward shift: later entries of the run move into the hole. */
  private deleteEntry(slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = hash(this.idHi[slot]!, this.idLo[slot]!) & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    let at = hole;
    for (;;) {
      at = (at + 1) & mask;
      const entry = table[at]!;
      if (entry === EMPTY_ENTRY) break;
      const home = hash(this.idHi[entry - 1]!, this.idLo[entry - 1]!) & mask;
      const distanceFromHome = (at - home) & mask;
      const distanceToHole = (at - hole) & mask;
      if (distanceFromHome >= distanceToHole) {
        table[hole] = entry;
        hole = at;
      }
    }
    table[hole] = EMPTY_ENTRY;
  }
}

function hash(hi: number, lo: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function grow<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function stringBytes(text: string): number {
  let unitBytes = 1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      unitBytes = 2;
      break;
    }
  }
  return (16 + text.length * unitBytes + 7) & ~7;
}
