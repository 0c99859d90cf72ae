import { fc, test } from '@fast-check/vitest';
import { shardIdForGuild } from '@guildkit/sharding';
import { SnowflakeErrorCode } from '@guildkit/snowflake';
import { describe, expect } from 'vitest';

const anyUint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const shardCount = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

describe('shardIdForGuild against BigInt', () => {
  test.prop([anyUint64, shardCount], { numRuns: 2000 })(
    'equals Number((id >> 22n) % BigInt(n)) for every 64-bit id given as a decimal string',
    (id, count) => {
      expect(shardIdForGuild(id.toString(), count)).toBe(Number((id >> 22n) % BigInt(count)));
    },
  );

  test.prop([anyUint64, fc.integer({ min: 1, max: 4096 })], { numRuns: 2000 })(
    'gives the same shard for the string and the bigint form of an id',
    (id, count) => {
      expect(shardIdForGuild(id, count)).toBe(shardIdForGuild(id.toString(), count));
    },
  );

  test.prop([fc.bigInt({ min: 2n ** 64n, max: 2n ** 66n })])(
    'rejects every id of 2^64 or more',
    (id) => {
      const outOfRange = expect.objectContaining({ code: SnowflakeErrorCode.IdOutOfRange });
      expect(() => shardIdForGuild(id.toString(), 4)).toThrow(outOfRange);
      expect(() => shardIdForGuild(id, 4)).toThrow(outOfRange);
    },
  );
});
