import { MemberListError, MemberListErrorCode } from './errors.js';
import { headerItem, ListCore } from './internal/list-core.js';
import {
  checkRole,
  type MemberState,
  parseUserId,
  patchState,
  stateOfInput,
} from './internal/member-input.js';
import { OpEmitter } from './internal/op-emitter.js';
import { Subscription, validateRanges } from './internal/subscription.js';
import { systemScheduler } from './internal/system-scheduler.js';
import type {
  GuildMemberListUpdate,
  ListRole,
  MemberInput,
  MemberListGroup,
  MemberListItem,
  MemberListOp,
  MemberListRange,
  MemberPatch,
  Scheduler,
} from './types.js';

/** Options of a {@link MemberList}. */
export interface MemberListOptions {
  /** The guild id, sent as `guild_id`. */
  readonly guildId: string;
  /** The list id, sent as `id`: `"everyone"` or a {@link MemberListIds} hash. */
  readonly id: string;
  /**
   * Receives every update for a subscriber; called synchronously from flushes and subscribes.
   * Updates are read-only: parts of one (the `groups` array, or a whole update that only
   * carries new counts) may be shared with other subscribers' updates of the same flush.
   */
  readonly onUpdate: (subscriberId: string, update: GuildMemberListUpdate) => void;
  /**
   * Receives, in one call, the update a flush sends to every subscriber whose rows did not
   * change but whose counts did (`ops` empty): one object for all of them, so a gateway can
   * serialize it once and fan the same frame out. Without it, each of those subscribers gets the
   * shared update through its own `onUpdate` call.
   */
  readonly onSharedUpdate?: (
    subscriberIds: readonly string[],
    update: GuildMemberListUpdate,
  ) => void;
  /** The guild's roles. @defaultValue `[]` */
  readonly roles?: readonly ListRole[];
  /**
   * Lists with more members than this leave offline members out (still counted).
   * @defaultValue 1000
   */
  readonly offlineThreshold?: number;
  /**
   * How long changes are batched before a flush, in ms.
   * @defaultValue 100
   */
  readonly tickMs?: number;
  /** Schedules flushes. @defaultValue the global `setTimeout` */
  readonly scheduler?: Scheduler;
}

/** The defaults of {@link MemberListOptions}. */
export const DEFAULT_MEMBER_LIST_OPTIONS = {
  offlineThreshold: 1000,
  tickMs: 100,
} as const satisfies Pick<Required<MemberListOptions>, 'offlineThreshold' | 'tickMs'>;

/**
 * The lazy member list of one (guild, list id): members sorted into groups, subscribers
 * watching row ranges, and GUILD_MEMBER_LIST_UPDATE-shaped updates to keep them in sync.
 *
 * Changes (`addMember`, `removeMember`, `updateMember`, `setRole`, `removeRole`) are recorded
 * as pending final states and applied together at the next flush, `tickMs` after the first
 * one; a member whose final state equals the applied one (an online/offline flap) produces no
 * ops. Queries (`rows`, `indexOf`, counts) read the applied state.
 *
 * @example
 * ```ts
 * import { MemberList } from '@guildkit/member-list';
 *
 * const list = new MemberList({
 *   guildId: '81384788765712384',
 *   id: 'everyone',
 *   onUpdate: (session, update) => console.log(session, update.ops),
 * });
 * list.subscribe('session-1', [[0, 99]]);
 * list.addMember({ userId: '80351110224678912', username: 'nelly', status: 'online' });
 * list.flush(); // session-1 [ { op: 'INSERT', index: 0, item: { group: ... } }, { op: 'INSERT', index: 1, ... } ]
 * ```
 */
export class MemberList {
  private readonly core: ListCore;
  private readonly pending = new Map<string, MemberState | null>();
  private pendingRoles: Map<string, ListRole> | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  private subscriptionList: Subscription[] = [];
  /** Turns edits into the ops of {@link MemberList.subscriptionList}; rebuilt when it changes. */
  private emitter: OpEmitter;
  /** Codes of the groups the current flush changed; cleared by each flush. */
  private readonly touched = new Set<number>();
  private readonly scheduler: Scheduler;
  private readonly tickMs: number;
  private cancelTimer: (() => void) | undefined;
  private closed = false;
  private readonly halves = { hi: 0, lo: 0 };

  /**
   * @param options - ids, the update sink and tuning; see {@link DEFAULT_MEMBER_LIST_OPTIONS}.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_OPTION` when `offlineThreshold` or
   * `tickMs` is not a non-negative safe integer, `onUpdate` is not a function or an id is
   * empty; `GK_MEMBER_LIST_INVALID_ARGUMENT` when a role is malformed.
   */
  constructor(private readonly options: MemberListOptions) {
    const threshold = options.offlineThreshold ?? DEFAULT_MEMBER_LIST_OPTIONS.offlineThreshold;
    this.tickMs = options.tickMs ?? DEFAULT_MEMBER_LIST_OPTIONS.tickMs;
    checkOption(Number.isSafeInteger(threshold) && threshold >= 0, 'offlineThreshold');
    checkOption(Number.isSafeInteger(this.tickMs) && this.tickMs >= 0, 'tickMs');
    checkOption(typeof options.onUpdate === 'function', 'onUpdate');
    checkOption(
      options.onSharedUpdate === undefined || typeof options.onSharedUpdate === 'function',
      'onSharedUpdate',
    );
    checkOption(typeof options.guildId === 'string' && options.guildId !== '', 'guildId');
    checkOption(typeof options.id === 'string' && options.id !== '', 'id');
    this.scheduler = options.scheduler ?? systemScheduler;
    this.core = new ListCore(threshold);
    const roles = new Map<string, ListRole>();
    for (const role of options.roles ?? []) roles.set(role.id, checkRole(role));
    this.core.setRoles(roles);
    this.emitter = new OpEmitter([], this.core);
  }

  /** Members of the list (applied state), offline members of large lists included. */
  get memberCount(): number {
    return this.core.store.count;
  }

  /** Members whose applied status is not offline. */
  get onlineCount(): number {
    return this.core.onlineCount;
  }

  /** Rows of the list: every listed member plus one header per group with members. */
  get length(): number {
    return this.core.length;
  }

  /** @returns the groups with members, in display order. */
  groups(): MemberListGroup[] {
    return this.core.groups.visibleGroups();
  }

  /**
   * Fills an empty list at once: one sort and bulk load per group instead of one insert per
   * member, and no ops; subscribers get SYNCs of their ranges.
   *
   * @param members - the snapshot.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_ARGUMENT` when the list is not empty
   * or has pending changes, or a member is malformed; `GK_MEMBER_LIST_DUPLICATE_MEMBER` when two
   * members share a user id (the list is then left empty); `GK_MEMBER_LIST_CLOSED` after
   * {@link MemberList.close}.
   */
  load(members: readonly MemberInput[]): void {
    this.assertOpen();
    if (this.core.store.count > 0 || this.pending.size > 0 || this.pendingRoles !== undefined) {
      throw new MemberListError(MemberListErrorCode.InvalidArgument, 'load() needs an empty list');
    }
    const states = members.map(stateOfInput);
    const store = this.core.store;
    store.reserve(members.length);
    const slots: number[] = [];
    for (let i = 0; i < members.length; i++) {
      parseUserId(members[i]!.userId, this.halves);
      if (store.find(this.halves.hi, this.halves.lo) !== -1) {
        for (const slot of slots) this.core.forget(slot);
        throw new MemberListError(
          MemberListErrorCode.DuplicateMember,
          `load(): user ${members[i]!.userId} appears twice`,
        );
      }
      const slot = store.allocate(this.halves.hi, this.halves.lo);
      this.core.write(slot, states[i]!, true);
      slots.push(slot);
    }
    this.core.rebuild();
    for (const sub of this.subscriptionList) sub.resync = true;
    this.deliver(-1, -1, []);
  }

  /**
   * Records a join, applied at the next flush.
   *
   * @param member - the joining member.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_DUPLICATE_MEMBER` when the user is already a
   * member (counting pending changes); `GK_MEMBER_LIST_INVALID_ARGUMENT` when malformed;
   * `GK_MEMBER_LIST_CLOSED` after {@link MemberList.close}.
   */
  addMember(member: MemberInput): void {
    this.assertOpen();
    const state = stateOfInput(member);
    parseUserId(member.userId, this.halves);
    if (this.currentState(member.userId) !== null) {
      throw new MemberListError(
        MemberListErrorCode.DuplicateMember,
        `user ${member.userId} is already a member`,
      );
    }
    this.record(member.userId, state);
  }

  /**
   * Records a leave, applied at the next flush.
   *
   * @param userId - the leaving member.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_UNKNOWN_MEMBER` when the user is not a member
   * (counting pending changes); `GK_MEMBER_LIST_INVALID_ARGUMENT` when `userId` is not a
   * snowflake; `GK_MEMBER_LIST_CLOSED` after {@link MemberList.close}.
   */
  removeMember(userId: string): void {
    this.assertOpen();
    this.requireState(userId);
    this.record(userId, null);
  }

  /**
   * Records a change to a member (status, roles, names), applied at the next flush.
   *
   * @param userId - the member.
   * @param patch - the fields that change.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_UNKNOWN_MEMBER`,
   * `GK_MEMBER_LIST_INVALID_ARGUMENT`, `GK_MEMBER_LIST_CLOSED` as for
   * {@link MemberList.removeMember}.
   */
  updateMember(userId: string, patch: MemberPatch): void {
    this.assertOpen();
    this.record(userId, patchState(this.requireState(userId), patch));
  }

  /**
   * Records a role creation or change (position, hoist), applied at the next flush. Role
   * changes regroup members, so that flush sends every subscriber SYNCs of its ranges.
   *
   * @param role - the role's new fields.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_ARGUMENT` when malformed;
   * `GK_MEMBER_LIST_CLOSED` after {@link MemberList.close}.
   */
  setRole(role: ListRole): void {
    this.assertOpen();
    const checked = checkRole(role);
    this.rolesToChange().set(checked.id, checked);
    this.schedule();
  }

  /**
   * Records a role deletion, applied at the next flush. Members keep the id in their roles
   * until their own update removes it; it no longer hoists them.
   *
   * @param roleId - the role.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_UNKNOWN_ROLE` when no such role exists
   * (counting pending changes); `GK_MEMBER_LIST_CLOSED` after {@link MemberList.close}.
   */
  removeRole(roleId: string): void {
    this.assertOpen();
    const roles = this.rolesToChange();
    if (!roles.delete(roleId)) {
      throw new MemberListError(MemberListErrorCode.UnknownRole, `role ${roleId} does not exist`);
    }
    this.schedule();
  }

  /**
   * Sets the ranges a subscriber watches and sends it, at once, INVALIDATE for each dropped
   * range and SYNC for each new one (ranges it already held get nothing, unless they overlap
   * a dropped range, whose INVALIDATE cleared some of their rows). Empty `ranges`
   * ends the subscription after the INVALIDATEs.
   *
   * @param subscriberId - e.g. a gateway session id.
   * @param ranges - inclusive row ranges, e.g. `[[0, 99], [100, 199]]`.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_RANGE` when a range is not
   * `[start, end]` with integers `0 <= start <= end` or there are more than 8;
   * `GK_MEMBER_LIST_INVALID_ARGUMENT` when `subscriberId` is empty; `GK_MEMBER_LIST_CLOSED`
   * after {@link MemberList.close}.
   */
  subscribe(subscriberId: string, ranges: readonly MemberListRange[]): void {
    this.assertOpen();
    if (typeof subscriberId !== 'string' || subscriberId === '') {
      throw new MemberListError(
        MemberListErrorCode.InvalidArgument,
        'subscriberId must be a non-empty string',
      );
    }
    const next = validateRanges(ranges);
    const sub = this.subscriptions.get(subscriberId) ?? new Subscription(subscriberId);
    const ops: MemberListOp[] = [];
    const dropped = sub.ranges.filter((held) => !next.some((kept) => sameRange(kept, held)));
    for (const range of dropped) ops.push({ op: 'INVALIDATE', range });
    for (const range of next) {
      // A kept range that overlaps a dropped one lost rows to its INVALIDATE: sync it again.
      const held = sub.ranges.some((old) => sameRange(old, range));
      const overlapsDropped = dropped.some((gone) => gone[0] <= range[1] && range[0] <= gone[1]);
      if (!held || overlapsDropped) ops.push(this.syncOp(range));
    }
    sub.setRanges(next);
    if (next.length === 0) this.subscriptions.delete(subscriberId);
    else this.subscriptions.set(subscriberId, sub);
    this.refreshSubscriptionList();
    if (ops.length > 0) this.options.onUpdate(subscriberId, this.update(ops, this.groups()));
  }

  /**
   * Ends a subscription without sending anything (the subscriber is gone).
   *
   * @param subscriberId - the subscriber.
   * @returns whether it was subscribed.
   */
  unsubscribe(subscriberId: string): boolean {
    const removed = this.subscriptions.delete(subscriberId);
    if (removed) this.refreshSubscriptionList();
    return removed;
  }

  /**
   * Applies every pending change now and sends each affected subscriber one update. The
   * scheduler calls this `tickMs` after the first change of a batch.
   *
   * @throws the first error an `onUpdate` or `onSharedUpdate` call threw, after every
   * subscriber was served;
   * {@link MemberListError} `GK_MEMBER_LIST_CLOSED` after {@link MemberList.close}.
   */
  flush(): void {
    this.assertOpen();
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending.size === 0 && this.pendingRoles === undefined) return;
    const memberCount = this.memberCount;
    const onlineCount = this.onlineCount;
    const groupsBefore = this.groups();
    const subs = this.subscriptionList;
    const emitter = this.emitter;
    const touched = this.touched;
    touched.clear();
    if (this.pendingRoles !== undefined) {
      for (const sub of subs) sub.resync = true;
      this.core.setRoles(this.pendingRoles);
      this.pendingRoles = undefined;
    }
    const store = this.core.store;
    for (const [userId, next] of this.pending) {
      parseUserId(userId, this.halves);
      const slot = store.find(this.halves.hi, this.halves.lo);
      if (slot === -1) {
        if (next !== null) this.core.join(this.halves.hi, this.halves.lo, next, emitter, touched);
      } else if (next === null) {
        this.core.leave(slot, emitter, touched);
      } else {
        this.core.change(slot, next, emitter, touched);
      }
    }
    this.pending.clear();
    if (this.core.syncOfflineVisibility()) for (const sub of subs) sub.resync = true;
    for (const code of touched) {
      const group = this.core.groups.group(code);
      const header = this.core.groups.start(code);
      if (group.index.size > 0 && emitter.watches(header))
        emitter.updated(header, headerItem(group));
    }
    this.deliver(memberCount, onlineCount, groupsBefore);
  }

  /**
   * The applied rows `[start, end)` (like `Array#slice`), clipped to the list.
   * O(groups + log N + k).
   *
   * @param start - the first row.
   * @param end - one past the last row.
   * @returns the rows' items.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_RANGE` when `start`/`end` are not
   * integers with `0 <= start <= end`.
   */
  rows(start: number, end: number): MemberListItem[] {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new MemberListError(
        MemberListErrorCode.InvalidRange,
        `rows(${start}, ${end}) is not a valid span`,
      );
    }
    return this.core.rows(start, end);
  }

  /**
   * @param userId - a member.
   * @returns the member's applied row, or -1 when it is not listed (offline in a large list).
   * @throws {@link MemberListError} `GK_MEMBER_LIST_UNKNOWN_MEMBER` when the user is no
   * (applied) member; `GK_MEMBER_LIST_INVALID_ARGUMENT` when `userId` is not a snowflake.
   */
  indexOf(userId: string): number {
    parseUserId(userId, this.halves);
    const slot = this.core.store.find(this.halves.hi, this.halves.lo);
    if (slot === -1) throw unknownMember(userId);
    return this.core.rowOf(slot);
  }

  /**
   * Approximate bytes of the member records and indexes: typed arrays by byte length, 8 bytes
   * per string reference, each string as V8 lays it out, the id table and every index's
   * {@link OrderIndex.estimateBytes}. Role sets and subscriptions (a few per list) are left out.
   *
   * @returns the estimate in bytes.
   */
  estimateBytes(): number {
    return this.core.estimateBytes();
  }

  /** @returns {@link MemberList.estimateBytes} divided by the member count (0 when empty). */
  bytesPerMember(): number {
    const count = this.memberCount;
    return count === 0 ? 0 : this.estimateBytes() / count;
  }

  /** Cancels the pending flush and drops pending changes and subscribers; later calls throw. */
  close(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.pending.clear();
    this.pendingRoles = undefined;
    this.subscriptions.clear();
    this.refreshSubscriptionList();
    this.closed = true;
  }

  private refreshSubscriptionList(): void {
    this.subscriptionList = [...this.subscriptions.values()];
    this.emitter = new OpEmitter(this.subscriptionList, this.core);
  }

  private deliver(
    memberCount: number,
    onlineCount: number,
    groupsBefore: readonly MemberListGroup[],
  ): void {
    const groups = this.groups();
    const countsChanged =
      memberCount !== this.memberCount ||
      onlineCount !== this.onlineCount ||
      !sameGroups(groupsBefore, groups);
    const shareCounts = this.options.onSharedUpdate !== undefined;
    const recipients: string[] = [];
    const updates: GuildMemberListUpdate[] = [];
    const countsOnlyRecipients: string[] = [];
    for (const sub of this.subscriptionList) {
      const ops = sub.resync ? sub.ranges.map((range) => this.syncOp(range)) : sub.ops;
      if (sub.resync) sub.ops.length = 0;
      else if (ops.length > 0) sub.ops = [];
      sub.resync = false;
      if (ops.length > 0) {
        recipients.push(sub.id);
        updates.push(this.update(ops, groups));
      } else if (countsChanged) {
        countsOnlyRecipients.push(sub.id);
      }
    }
    const countsOnly = countsOnlyRecipients.length > 0 ? this.update(NO_OPS, groups) : undefined;
    let failure: { error: unknown } | undefined;
    for (let i = 0; i < updates.length; i++) {
      try {
        this.options.onUpdate(recipients[i]!, updates[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (countsOnly !== undefined) {
      if (shareCounts) {
        try {
          this.options.onSharedUpdate?.(countsOnlyRecipients, countsOnly);
        } catch (error) {
          failure ??= { error };
        }
      } else {
        for (const id of countsOnlyRecipients) {
          try {
            this.options.onUpdate(id, countsOnly);
          } catch (error) {
            failure ??= { error };
          }
        }
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  private update(
    ops: readonly MemberListOp[],
    groups: readonly MemberListGroup[],
  ): GuildMemberListUpdate {
    return {
      id: this.options.id,
      guild_id: this.options.guildId,
      member_count: this.memberCount,
      online_count: this.onlineCount,
      groups,
      ops,
    };
  }

  private syncOp(range: MemberListRange): MemberListOp {
    return { op: 'SYNC', range, items: this.core.rows(range[0], range[1] + 1) };
  }

  private currentState(userId: string): MemberState | null {
    const pending = this.pending.get(userId);
    if (pending !== undefined) return pending;
    parseUserId(userId, this.halves);
    const slot = this.core.store.find(this.halves.hi, this.halves.lo);
    return slot === -1 ? null : this.core.stateOf(slot);
  }

  private requireState(userId: string): MemberState {
    const state = this.currentState(userId);
    if (state === null) throw unknownMember(userId);
    return state;
  }

  private record(userId: string, state: MemberState | null): void {
    this.pending.set(userId, state);
    this.schedule();
  }

  private rolesToChange(): Map<string, ListRole> {
    this.pendingRoles ??= new Map(this.core.groups.roleTable);
    return this.pendingRoles;
  }

  private schedule(): void {
    if (this.cancelTimer !== undefined) return;
    this.cancelTimer = this.scheduler.setTimeout(() => {
      this.cancelTimer = undefined;
      if (!this.closed) this.flush();
    }, this.tickMs);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new MemberListError(MemberListErrorCode.Closed, 'the member list is closed');
  }
}

/** The ops of an update that only carries new counts; shared, like that update itself. */
const NO_OPS: readonly MemberListOp[] = Object.freeze([]);

function checkOption(ok: boolean, name: string): void {
  if (!ok)
    throw new MemberListError(MemberListErrorCode.InvalidOption, `option ${name} is out of range`);
}

function unknownMember(userId: string): MemberListError {
  return new MemberListError(MemberListErrorCode.UnknownMember, `user ${userId} is not a member`);
}

function sameRange(a: MemberListRange, b: MemberListRange): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function sameGroups(a: readonly MemberListGroup[], b: readonly MemberListGroup[]): boolean {
  return (
    a.length === b.length &&
    a.every((group, i) => group.id === b[i]!.id && group.count === b[i]!.count)
  );
}
