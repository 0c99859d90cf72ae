/**
 * A presence status as the gateway reports it. `invisible` is listed as `offline`: other users
 * must not learn that an invisible member is connected.
 */
export type MemberStatus = 'online' | 'idle' | 'dnd' | 'offline' | 'invisible';

/** The status a list item shows: {@link MemberStatus} with `invisible` folded into `offline`. */
export type ListedStatus = 'online' | 'idle' | 'dnd' | 'offline';

/** The user part of a member row, as Discord's member list item carries it. */
export interface MemberListUser {
  /** The user id (a snowflake). */
  readonly id: string;
  /** The unique username. */
  readonly username: string;
  /** The display name the user chose for every guild, or `null`. */
  readonly global_name: string | null;
}

/** The presence part of a member row. */
export interface MemberListPresence {
  /** The user the presence belongs to. */
  readonly user: { readonly id: string };
  /** The listed status. */
  readonly status: ListedStatus;
}

/**
 * The member object of a member row: the fields the list sorts and groups by. A server adds
 * whatever else its clients show (avatar, `joined_at`, activities) from its member cache.
 */
export interface MemberListMember {
  /** The user. */
  readonly user: MemberListUser;
  /** The guild nickname, or `null`. */
  readonly nick: string | null;
  /** The member's role ids, ascending as snowflakes, without duplicates. */
  readonly roles: readonly string[];
  /** The member's presence. */
  readonly presence: MemberListPresence;
}

/** A group of the list: a hoisted role id, `online` or `offline`, and its member count. */
export interface MemberListGroup {
  /** A role id, `"online"` or `"offline"`. */
  readonly id: string;
  /** How many members the group holds (its header row not included). */
  readonly count: number;
}

/** A group header row. */
export interface MemberListGroupItem {
  /** The group this header opens. */
  readonly group: MemberListGroup;
}

/** A member row. */
export interface MemberListMemberItem {
  /** The member. */
  readonly member: MemberListMember;
}

/** One row of the list, shaped like Discord's GUILD_MEMBER_LIST_UPDATE items. */
export type MemberListItem = MemberListGroupItem | MemberListMemberItem;

/** An inclusive range of row indexes `[start, end]`, as clients request them (`[0, 99]`). */
export type MemberListRange = readonly [start: number, end: number];

/** Replaces rows `range[0]..` with `items` (fewer items than the range when the list ends). */
export interface MemberListSyncOp {
  /** The op name. */
  readonly op: 'SYNC';
  /** The rows replaced. */
  readonly range: MemberListRange;
  /** The rows' items, in order. */
  readonly items: readonly MemberListItem[];
}

/** Inserts a row at `index`; every row at or after it moves down by one. */
export interface MemberListInsertOp {
  /** The op name. */
  readonly op: 'INSERT';
  /** The new row's index. */
  readonly index: number;
  /** The new row. */
  readonly item: MemberListItem;
}

/** Replaces the row at `index`. */
export interface MemberListUpdateOp {
  /** The op name. */
  readonly op: 'UPDATE';
  /** The row's index. */
  readonly index: number;
  /** The row's new item. */
  readonly item: MemberListItem;
}

/** Deletes the row at `index`; every row after it moves up by one. */
export interface MemberListDeleteOp {
  /** The op name. */
  readonly op: 'DELETE';
  /** The deleted row's index. */
  readonly index: number;
}

/** Tells the client it no longer receives updates for a range; it should forget those rows. */
export interface MemberListInvalidateOp {
  /** The op name. */
  readonly op: 'INVALIDATE';
  /** The range dropped. */
  readonly range: MemberListRange;
}

/** One op of a {@link GuildMemberListUpdate}; a client applies them in order. */
export type MemberListOp =
  | MemberListSyncOp
  | MemberListInsertOp
  | MemberListUpdateOp
  | MemberListDeleteOp
  | MemberListInvalidateOp;

/** The payload of a GUILD_MEMBER_LIST_UPDATE dispatch. */
export interface GuildMemberListUpdate {
  /** The list id: `"everyone"` or a hash of a channel's audience. */
  readonly id: string;
  /** The guild. */
  readonly guild_id: string;
  /** Every member of the list, offline members of large lists included. */
  readonly member_count: number;
  /** Members whose status is not offline. */
  readonly online_count: number;
  /** The groups that have rows, in display order. */
  readonly groups: readonly MemberListGroup[];
  /** The ops, applied in order. */
  readonly ops: readonly MemberListOp[];
}

/** A member as it joins the list. */
export interface MemberInput {
  /** The user id (a snowflake). */
  readonly userId: string;
  /** The username. */
  readonly username: string;
  /** The global display name. @defaultValue `null` */
  readonly globalName?: string | null;
  /** The guild nickname. @defaultValue `null` */
  readonly nick?: string | null;
  /** Role ids (order and duplicates do not matter). @defaultValue `[]` */
  readonly roles?: readonly string[];
  /** The presence status. @defaultValue `'offline'` */
  readonly status?: MemberStatus;
}

/** A change to a member; fields left out keep their value. */
export interface MemberPatch {
  /** A new username. */
  readonly username?: string;
  /** A new global display name, or `null` to clear it. */
  readonly globalName?: string | null;
  /** A new nickname, or `null` to clear it. */
  readonly nick?: string | null;
  /** The member's complete new role ids. */
  readonly roles?: readonly string[];
  /** A new presence status. */
  readonly status?: MemberStatus;
}

/** The fields of a guild role the list needs. */
export interface ListRole {
  /** The role id. */
  readonly id: string;
  /** The role's position; higher positions are listed first. */
  readonly position: number;
  /** Whether members with the role are shown in their own group. */
  readonly hoist: boolean;
}

/**
 * Runs a callback later; {@link MemberList} schedules its batch flushes through it.
 *
 * @example
 * ```ts
 * const scheduler: Scheduler = {
 *   setTimeout: (fn, ms) => {
 *     const timer = setTimeout(fn, ms);
 *     return () => clearTimeout(timer);
 *   },
 * };
 * ```
 */
export interface Scheduler {
  /**
   * @param fn - the callback.
   * @param ms - the delay in ms.
   * @returns a function that cancels the callback.
   */
  setTimeout(fn: () => void, ms: number): () => void;
}
