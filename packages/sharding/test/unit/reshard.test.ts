import {
  planReshard,
  ShardingError,
  ShardingErrorCode,
  shardAfterReshard,
} from '@guildkit/sharding';
import { SnowflakeErrorCode } from '@guildkit/snowflake';
import { describe, expect, it } from 'vitest';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ShardingError ? error.code : undefined;
  }
  return undefined;
}

describe('planReshard', () => {
  it('splits each old shard s of 2 into s and s + 2 when doubling to 4', () => {
    expect(planReshard(2, 4)).toEqual({
      oldShardCount: 2,
      newShardCount: 4,
      factor: 2,
      shards: [
        {
          oldShardId: 0,
          moves: [
            { targetShardId: 0, residue: 0, modulus: 4, stays: true },
            { targetShardId: 2, residue: 2, modulus: 4, stays: false },
          ],
        },
        {
          oldShardId: 1,
          moves: [
            { targetShardId: 1, residue: 1, modulus: 4, stays: true },
            { targetShardId: 3, residue: 3, modulus: 4, stays: false },
          ],
        },
      ],
    });
  });

  it('splits each old shard into factor targets spaced by the old count', () => {
    const plan = planReshard(3, 12);
    expect(plan.factor).toBe(4);
    expect(plan.shards[2]?.moves.map((move) => move.targetShardId)).toEqual([2, 5, 8, 11]);
  });

  it('moves nothing when the count does not change', () => {
    const plan = planReshard(5, 5);
    expect(plan.shards.every((shard) => shard.moves.length === 1 && shard.moves[0]?.stays)).toBe(
      true,
    );
  });

  it('covers every new shard exactly once', () => {
    const plan = planReshard(16, 64);
    const targets = plan.shards.flatMap((shard) => shard.moves.map((move) => move.targetShardId));
    expect(targets.sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  it('rejects a new count that is not a multiple of the old one', () => {
    expect(codeOf(() => planReshard(16, 24))).toBe(ShardingErrorCode.InvalidReshard);
    expect(codeOf(() => planReshard(4, 2))).toBe(ShardingErrorCode.InvalidReshard);
  });

  it('rejects counts that are not positive safe integers', () => {
    expect(codeOf(() => planReshard(0, 4))).toBe(ShardingErrorCode.InvalidShardCount);
    expect(codeOf(() => planReshard(2, 4.5))).toBe(ShardingErrorCode.InvalidShardCount);
  });
});

describe('shardAfterReshard', () => {
  it('reports where a guild lives before and after', () => {
    // 81384788765712384 >> 22 = 19403645698 (BigInt), which is 0 mod 2 and 2 mod 4.
    expect(shardAfterReshard('81384788765712384', 2, 4)).toEqual({ from: 0, to: 2, moved: true });
    expect(shardAfterReshard(81384788765712384n, 1, 2)).toEqual({ from: 0, to: 0, moved: false });
  });

  it('rejects an invalid reshard and an invalid id', () => {
    expect(codeOf(() => shardAfterReshard('1', 3, 4))).toBe(ShardingErrorCode.InvalidReshard);
    expect(() => shardAfterReshard('x', 2, 4)).toThrow(
      expect.objectContaining({ code: SnowflakeErrorCode.MalformedId }),
    );
  });
});
