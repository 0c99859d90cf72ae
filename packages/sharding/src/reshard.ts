import { relativeTimestampOf } from '@guildkit/snowflake';
import { ShardingError, ShardingErrorCode } from './errors.js';
import { assertShardCount } from './internal/validate.js';

/** Where one residue class of an old shard's guilds goes after a reshard. */
export interface ReshardMove {
  /** The new shard that receives these guilds. */
  readonly targetShardId: number;
  /**
   * The guilds concerned are exactly those with `(guild_id >> 22) % modulus === residue`
   * (the residue equals {@link ReshardMove.targetShardId}).
   */
  readonly residue: number;
  /** The new shard count. */
  readonly modulus: number;
  /** `true` for the one class that keeps its shard id (`targetShardId === oldShardId`). */
  readonly stays: boolean;
}

/** What happens to the guilds of one old shard. */
export interface OldShardPlan {
  /** The shard before the reshard. */
  readonly oldShardId: number;
  /** One entry per target shard, in increasing target order; the first one stays. */
  readonly moves: readonly ReshardMove[];
}

/** The complete plan of a reshard from `oldShardCount` to a multiple of it. */
export interface ReshardPlan {
  /** The shard count before. */
  readonly oldShardCount: number;
  /** The shard count after. */
  readonly newShardCount: number;
  /** `newShardCount / oldShardCount`: each old shard splits into this many new shards. */
  readonly factor: number;
  /** One plan per old shard, indexed by old shard id. */
  readonly shards: readonly OldShardPlan[];
}

/** Where one guild lives before and after a reshard. */
export interface GuildReshard {
  /** Its shard under the old count. */
  readonly from: number;
  /** Its shard under the new count. */
  readonly to: number;
  /** Whether `to !== from`. */
  readonly moved: boolean;
}

function assertMultiple(oldShardCount: number, newShardCount: number): void {
  assertShardCount(oldShardCount, 'oldShardCount');
  assertShardCount(newShardCount, 'newShardCount');
  if (newShardCount % oldShardCount !== 0) {
    throw new ShardingError(
      ShardingErrorCode.InvalidReshard,
      `newShardCount (${newShardCount}) must be a multiple of oldShardCount (${oldShardCount})`,
    );
  }
}

/**
 * Plans a reshard from `oldShardCount` to `newShardCount = k * oldShardCount` (doubling is
 * `k = 2`). Because `x % oldShardCount` is determined by `x % newShardCount`, every old shard `s`
 * splits cleanly: its guilds with `(guild_id >> 22) % newShardCount === s + j * oldShardCount`
 * go to shard `s + j * oldShardCount`, and the class `j = 0` stays. No guild moves between two
 * old shards, so each old shard can hand off its guilds on its own.
 *
 * @param oldShardCount - the shard count before, a positive safe integer.
 * @param newShardCount - the shard count after, a positive multiple of `oldShardCount`.
 * @returns the plan, one {@link OldShardPlan} per old shard.
 * @throws ShardingError `GK_SHARDING_INVALID_SHARD_COUNT` when a count is not a positive safe
 * integer.
 * @throws ShardingError `GK_SHARDING_INVALID_RESHARD` when `newShardCount` is not a multiple of
 * `oldShardCount`.
 * @example
 * ```ts
 * import { planReshard } from '@guildkit/sharding';
 *
 * const plan = planReshard(2, 4);
 * plan.shards[1]?.moves.map((move) => move.targetShardId); // [1, 3]
 * ```
 */
export function planReshard(oldShardCount: number, newShardCount: number): ReshardPlan {
  assertMultiple(oldShardCount, newShardCount);
  const factor = newShardCount / oldShardCount;
  const shards: OldShardPlan[] = [];
  for (let oldShardId = 0; oldShardId < oldShardCount; oldShardId++) {
    const moves: ReshardMove[] = [];
    for (let step = 0; step < factor; step++) {
      const targetShardId = oldShardId + step * oldShardCount;
      moves.push({
        targetShardId,
        residue: targetShardId,
        modulus: newShardCount,
        stays: step === 0,
      });
    }
    shards.push({ oldShardId, moves });
  }
  return { oldShardCount, newShardCount, factor, shards };
}

/**
 * Where one guild lives before and after a reshard to a multiple of the shard count; parses the
 * id once.
 *
 * @param guildId - the guild's snowflake, as a decimal string or a bigint.
 * @param oldShardCount - the shard count before, a positive safe integer.
 * @param newShardCount - the shard count after, a positive multiple of `oldShardCount`.
 * @returns the old and new shard ids and whether the guild moves.
 * @throws ShardingError `GK_SHARDING_INVALID_SHARD_COUNT` when a count is not a positive safe
 * integer.
 * @throws ShardingError `GK_SHARDING_INVALID_RESHARD` when `newShardCount` is not a multiple of
 * `oldShardCount`.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE` (from
 * `@guildkit/snowflake`) when `guildId` is not a snowflake in `[0, 2^64)`.
 * @example
 * ```ts
 * import { shardAfterReshard } from '@guildkit/sharding';
 *
 * shardAfterReshard('81384788765712384', 2, 4); // { from: 0, to: 2, moved: true }
 * ```
 */
export function shardAfterReshard(
  guildId: string | bigint,
  oldShardCount: number,
  newShardCount: number,
): GuildReshard {
  assertMultiple(oldShardCount, newShardCount);
  const relative = relativeTimestampOf(guildId);
  const from = relative % oldShardCount;
  const to = relative % newShardCount;
  return { from, to, moved: from !== to };
}
