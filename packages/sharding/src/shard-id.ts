import { relativeTimestampOf } from '@guildkit/snowflake';
import { assertShardCount } from './internal/validate.js';

/**
 * The shard that receives a guild's events, by Discord's documented formula
 * `shard_id = (guild_id >> 22) % num_shards`
 * ({@link https://discord.com/developers/docs/events/gateway#sharding | Discord: Sharding}).
 *
 * ```
 *  63                                  22 21                0
 * +--------------------------------------+-------------------+
 * | ms since the epoch (42 bits)         | worker/proc/incr  |
 * +--------------------------------------+-------------------+
 *   (guild_id >> 22) % shardCount  ->  shard id
 * ```
 *
 * A decimal string is parsed without BigInt (the shift is exact for every 64-bit id), which is
 * what makes this the cheap path: route on the id exactly as it arrives on the wire.
 *
 * @param guildId - the guild's snowflake, as a canonical decimal string or a bigint.
 * @param shardCount - the number of shards, a positive safe integer.
 * @returns the shard id, in `[0, shardCount)`.
 * @throws ShardingError `GK_SHARDING_INVALID_SHARD_COUNT` when `shardCount` is not a positive
 * safe integer.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE` (from
 * `@guildkit/snowflake`) when `guildId` is not a snowflake in `[0, 2^64)`.
 * @example
 * ```ts
 * import { shardIdForGuild } from '@guildkit/sharding';
 *
 * shardIdForGuild('81384788765712384', 17); // 7
 * shardIdForGuild(81384788765712384n, 17); // 7
 * ```
 */
export function shardIdForGuild(guildId: string | bigint, shardCount: number): number {
  assertShardCount(shardCount);
  const relative = relativeTimestampOf(guildId);
  // Exact for relative < 2^42 (floor cannot round across an integer there) and cheaper than
  // `%` on doubles, which V8 lowers to a call to fmod.
  return relative - Math.floor(relative / shardCount) * shardCount;
}
