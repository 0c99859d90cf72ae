/**
 * Every code that `@guildkit/member-list` throws or rejects with. Codes are stable: renaming one
 * is a breaking change; messages may change.
 *
 * @example
 * ```ts
 * import { MemberListError, MemberListErrorCode } from '@guildkit/member-list';
 *
 * try {
 *   list.subscribe('session-1', [[100, 0]]);
 * } catch (error) {
 *   if (error instanceof MemberListError && error.code === MemberListErrorCode.InvalidRange) {
 *     // the range was empty, reversed or not made of non-negative integers
 *   }
 * }
 * ```
 */
export const MemberListErrorCode = {
  /** An argument is malformed: a slot that is not a non-negative int32, unsorted input, a bad id. */
  InvalidArgument: 'GK_MEMBER_LIST_INVALID_ARGUMENT',
  /** An option (threshold, tick interval, capacity) is out of range. */
  InvalidOption: 'GK_MEMBER_LIST_INVALID_OPTION',
  /** A subscribed range is not `[start, end]` with integers `0 <= start <= end`, or too many ranges. */
  InvalidRange: 'GK_MEMBER_LIST_INVALID_RANGE',
  /** A member joins a list that already holds a member with that user id. */
  DuplicateMember: 'GK_MEMBER_LIST_DUPLICATE_MEMBER',
  /** A user id names no member of the list. */
  UnknownMember: 'GK_MEMBER_LIST_UNKNOWN_MEMBER',
  /** A role id names no role of the guild, or a role is added twice. */
  UnknownRole: 'GK_MEMBER_LIST_UNKNOWN_ROLE',
  /** A replica received an op that does not fit its state (an index past the list's end). */
  ReplicaDesync: 'GK_MEMBER_LIST_REPLICA_DESYNC',
  /** A list was used after {@link MemberList.close}. */
  Closed: 'GK_MEMBER_LIST_CLOSED',
} as const;

/** One of the {@link MemberListErrorCode} values. */
export type MemberListErrorCode = (typeof MemberListErrorCode)[keyof typeof MemberListErrorCode];

/**
 * The error `@guildkit/member-list` throws and rejects with; branch on {@link MemberListError.code}.
 *
 * @example
 * ```ts
 * import { MemberListError } from '@guildkit/member-list';
 *
 * try {
 *   list.removeMember('81384788765712384');
 * } catch (error) {
 *   if (error instanceof MemberListError) console.error(error.code); // GK_MEMBER_LIST_UNKNOWN_MEMBER
 * }
 * ```
 */
export class MemberListError extends Error {
  override readonly name = 'MemberListError';

  /**
   * @param code - the stable code callers branch on.
   * @param message - a human-readable explanation.
   * @param options - standard error options, e.g. a `cause`.
   */
  constructor(
    readonly code: MemberListErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
