import { ShardingError, ShardingErrorCode, shardIdForGuild } from '@guildkit/sharding';
import { SnowflakeError, SnowflakeErrorCode } from '@guildkit/snowflake';
import { describe, expect, it } from 'vitest';

const MAX_UINT64 = 2n ** 64n - 1n;

function expectCode(fn: () => unknown, code: ShardingErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ShardingError);
    expect((error as ShardingError).code).toBe(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('shardIdForGuild', () => {
  it('matches the documented example: guild 81384788765712384 on 17 shards is shard 7', () => {
    // serenity's `utils::shard_id` documentation gives this pair for Discord's formula.
    expect(shardIdForGuild('81384788765712384', 17)).toBe(7);
    expect(shardIdForGuild(81384788765712384n, 17)).toBe(7);
  });

  it('puts every guild on shard 0 when there is one shard', () => {
    expect(shardIdForGuild('1234567890123456789', 1)).toBe(0);
    expect(shardIdForGuild(MAX_UINT64, 1)).toBe(0);
  });

  it('computes (id >> 22) % n for ids of every length, as BigInt does', () => {
    const ids = [
      '0',
      '4194303',
      '4194304',
      '999999999999999',
      '1000000000000000',
      '175928847299117063',
      '1234567890123456789',
      '9223372036854775807',
      '9223372036854775808',
      '18446744073709551615',
    ];
    for (const id of ids) {
      for (const shardCount of [1, 2, 3, 16, 17, 1000, 2 ** 31, 2 ** 53 - 1]) {
        const expected = Number((BigInt(id) >> 22n) % BigInt(shardCount));
        expect(shardIdForGuild(id, shardCount)).toBe(expected);
        expect(shardIdForGuild(BigInt(id), shardCount)).toBe(expected);
      }
    }
  });

  it.each(['', 'abc', '-1', '+1', ' 1', '1 ', '1e5', '12.5', '0x10', '0081384788765712384'])(
    'rejects the malformed guild id %j with GK_SNOWFLAKE_MALFORMED_ID',
    (id) => {
      expect(() => shardIdForGuild(id, 4)).toThrow(
        expect.objectContaining({ code: SnowflakeErrorCode.MalformedId }),
      );
    },
  );

  it.each(['18446744073709551616', '99999999999999999999', '100000000000000000000'])(
    'rejects the guild id %j, 2^64 or more, with GK_SNOWFLAKE_ID_OUT_OF_RANGE',
    (id) => {
      expect(() => shardIdForGuild(id, 4)).toThrow(
        expect.objectContaining({ code: SnowflakeErrorCode.IdOutOfRange }),
      );
    },
  );

  it('rejects bigint ids outside [0, 2^64) with a SnowflakeError', () => {
    for (const id of [-1n, MAX_UINT64 + 1n]) {
      expect(() => shardIdForGuild(id, 4)).toThrow(SnowflakeError);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'rejects the shard count %s with GK_SHARDING_INVALID_SHARD_COUNT',
    (shardCount) => {
      expectCode(
        () => shardIdForGuild('81384788765712384', shardCount),
        ShardingErrorCode.InvalidShardCount,
      );
    },
  );
});
