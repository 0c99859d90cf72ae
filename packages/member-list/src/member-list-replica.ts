import { MemberListError, MemberListErrorCode } from './errors.js';
import type {
  GuildMemberListUpdate,
  MemberListGroup,
  MemberListItem,
  MemberListOp,
  MemberListRange,
} from './types.js';

/**
 * A client's copy of a member list: a sparse array of the whole list that GUILD_MEMBER_LIST_UPDATE
 * ops edit in order. Rows inside the subscribed ranges equal the server's after every update;
 * rows outside them may be missing or stale.
 *
 * @example
 * ```ts
 * import { MemberList, MemberListReplica } from '@guildkit/member-list';
 *
 * const replica = new MemberListReplica();
 * const list = new MemberList({
 *   guildId: '81384788765712384',
 *   id: 'everyone',
 *   onUpdate: (_session, update) => replica.apply(update),
 * });
 * list.subscribe('session-1', [[0, 99]]);
 * replica.rows(0, 100); // the first 100 rows, as the server holds them
 * ```
 */
export class MemberListReplica {
  private items: (MemberListItem | undefined)[] = [];
  private groupList: readonly MemberListGroup[] = [];
  private members = 0;
  private online = 0;

  /** `member_count` of the last update. */
  get memberCount(): number {
    return this.members;
  }

  /** `online_count` of the last update. */
  get onlineCount(): number {
    return this.online;
  }

  /** `groups` of the last update. */
  get groups(): readonly MemberListGroup[] {
    return this.groupList;
  }

  /** Rows of the list as the last update's groups describe it (a header plus members each). */
  get length(): number {
    let rows = 0;
    for (const group of this.groupList) if (group.count > 0) rows += group.count + 1;
    return rows;
  }

  /**
   * Applies one update: its ops in order, then its counts and groups; rows past the list's new
   * end are dropped.
   *
   * @param update - a GUILD_MEMBER_LIST_UPDATE payload.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_REPLICA_DESYNC` when an op is malformed (a
   * negative or non-integer index, a SYNC with more items than its range).
   */
  apply(update: GuildMemberListUpdate): void {
    for (const op of update.ops) this.applyOp(op);
    this.members = update.member_count;
    this.online = update.online_count;
    this.groupList = update.groups;
    const length = this.length;
    if (this.items.length > length) this.items.length = length;
  }

  /**
   * The rows `[start, end)` (like `Array#slice`), clipped to {@link MemberListReplica.length};
   * `undefined` marks a row the replica does not hold.
   *
   * @param start - the first row.
   * @param end - one past the last row.
   * @returns the rows.
   */
  rows(start: number, end: number): (MemberListItem | undefined)[] {
    const stop = Math.min(end, this.length);
    const rows: (MemberListItem | undefined)[] = [];
    for (let row = start; row < stop; row++) rows.push(this.items[row]);
    return rows;
  }

  private applyOp(op: MemberListOp): void {
    switch (op.op) {
      case 'SYNC': {
        const [start, end] = checkRange(op.range);
        if (op.items.length > end - start + 1)
          throw desync(`SYNC ${start}..${end} has too many items`);
        this.reach(start);
        for (let row = start; row <= end; row++) this.items[row] = op.items[row - start];
        return;
      }
      case 'INVALIDATE': {
        const [start, end] = checkRange(op.range);
        const stop = Math.min(end, this.items.length - 1);
        for (let row = start; row <= stop; row++) this.items[row] = undefined;
        return;
      }
      case 'INSERT':
        this.reach(checkIndex(op.index));
        this.items.splice(op.index, 0, op.item);
        return;
      case 'UPDATE':
        this.reach(checkIndex(op.index));
        this.items[op.index] = op.item;
        return;
      case 'DELETE':
        if (checkIndex(op.index) < this.items.length) this.items.splice(op.index, 1);
        return;
    }
  }

  /** Makes the array at least `length` long so a splice at `length` lands at that row. */
  private reach(length: number): void {
    if (this.items.length < length) this.items.length = length;
  }
}

function checkIndex(index: number): number {
  if (!Number.isSafeInteger(index) || index < 0) throw desync(`op index ${index} is not a row`);
  return index;
}

function checkRange(range: MemberListRange): MemberListRange {
  const [start, end] = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw desync(`op range ${JSON.stringify(range)} is not [start, end]`);
  }
  return range;
}

function desync(message: string): MemberListError {
  return new MemberListError(MemberListErrorCode.ReplicaDesync, message);
}
