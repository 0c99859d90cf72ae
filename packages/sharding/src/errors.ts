/**
 * Every code that `@guildkit/sharding` throws or rejects with. Codes are stable: renaming one is
 * a breaking change; messages may change.
 *
 * @example
 * ```ts
 * import { ShardingError, ShardingErrorCode, shardIdForGuild } from '@guildkit/sharding';
 *
 * try {
 *   shardIdForGuild('81384788765712384', 0);
 * } catch (error) {
 *   if (error instanceof ShardingError && error.code === ShardingErrorCode.InvalidShardCount) {
 *     // the shard count was not a positive safe integer
 *   }
 * }
 * ```
 */
export const ShardingErrorCode = {
  /** A shard count is not a positive safe integer. */
  InvalidShardCount: 'GK_SHARDING_INVALID_SHARD_COUNT',
  /** A shard id is not an integer in `[0, 2^32)`. */
  InvalidShardId: 'GK_SHARDING_INVALID_SHARD_ID',
  /** A reshard's new shard count is not a multiple of the old one. */
  InvalidReshard: 'GK_SHARDING_INVALID_RESHARD',
  /** `maxConcurrency` is not a positive safe integer. */
  InvalidMaxConcurrency: 'GK_SHARDING_INVALID_MAX_CONCURRENCY',
  /** An option (virtual node count, node weight, node id, interval) is out of range. */
  InvalidOption: 'GK_SHARDING_INVALID_OPTION',
  /** A node is added to a ring that already holds a node with that id. */
  DuplicateNode: 'GK_SHARDING_DUPLICATE_NODE',
  /** A node id names no node of the ring. */
  UnknownNode: 'GK_SHARDING_UNKNOWN_NODE',
  /** A shard is looked up on a ring without nodes. */
  EmptyRing: 'GK_SHARDING_EMPTY_RING',
  /** A wait for an IDENTIFY turn was aborted through its signal. */
  Aborted: 'GK_SHARDING_ABORTED',
  /** A wait for an IDENTIFY turn was made on, or cut short by, a closed queue. */
  QueueClosed: 'GK_SHARDING_QUEUE_CLOSED',
} as const;

/** One of the {@link ShardingErrorCode} values. */
export type ShardingErrorCode = (typeof ShardingErrorCode)[keyof typeof ShardingErrorCode];

/**
 * The error `@guildkit/sharding` throws and rejects with; branch on {@link ShardingError.code}.
 *
 * @example
 * ```ts
 * import { ShardingError, planReshard } from '@guildkit/sharding';
 *
 * try {
 *   planReshard(16, 24);
 * } catch (error) {
 *   if (error instanceof ShardingError) console.error(error.code); // GK_SHARDING_INVALID_RESHARD
 * }
 * ```
 */
export class ShardingError extends Error {
  override readonly name = 'ShardingError';

  /**
   * @param code - the stable code callers branch on.
   * @param message - a human-readable explanation.
   * @param options - standard error options, e.g. a `cause`.
   */
  constructor(
    readonly code: ShardingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
