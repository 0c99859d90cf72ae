import { ShardingError, ShardingErrorCode } from '../errors.js';

const MAX_SHARD_ID = 0xffff_ffff;

/**
 * @param shardCount - the value to check.
 * @param name - how the value is called in the error message.
 * @throws ShardingError `GK_SHARDING_INVALID_SHARD_COUNT` unless it is a positive safe integer.
 */
export function assertShardCount(shardCount: number, name = 'shardCount'): void {
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new ShardingError(
      ShardingErrorCode.InvalidShardCount,
      `${name} must be a positive safe integer, got ${String(shardCount)}`,
    );
  }
}

/**
 * @param shardId - the value to check.
 * @throws ShardingError `GK_SHARDING_INVALID_SHARD_ID` unless it is an integer in `[0, 2^32)`.
 */
export function assertShardId(shardId: number): void {
  if (!Number.isInteger(shardId) || shardId < 0 || shardId > MAX_SHARD_ID) {
    throw new ShardingError(
      ShardingErrorCode.InvalidShardId,
      `shardId must be an integer in [0, 2^32), got ${String(shardId)}`,
    );
  }
}
