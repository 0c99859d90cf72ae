import { fc, test } from '@fast-check/vitest';
import { planReshard, shardAfterReshard, shardIdForGuild } from '@guildkit/sharding';
import { describe, expect } from 'vitest';

const anyUint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const oldCount = fc.integer({ min: 1, max: 512 });

describe('resharding by a multiple', () => {
  test.prop([anyUint64, oldCount], { numRuns: 1000 })(
    'on doubling a guild either stays or moves to old + oldCount',
    (id, count) => {
      const before = Number((id >> 22n) % BigInt(count));
      const after = shardIdForGuild(id.toString(), count * 2);
      expect([before, before + count]).toContain(after);
    },
  );

  test.prop([anyUint64, oldCount, fc.integer({ min: 1, max: 8 })], { numRuns: 500 })(
    'the plan sends each guild to the shard shardIdForGuild computes under the new count',
    (id, count, factor) => {
      const newCount = count * factor;
      const plan = planReshard(count, newCount);
      const from = shardIdForGuild(id, count);
      const residue = Number((id >> 22n) % BigInt(newCount));
      const matching = plan.shards[from]?.moves.filter((move) => move.residue === residue) ?? [];
      expect(matching).toHaveLength(1);
      expect(matching[0]?.targetShardId).toBe(shardIdForGuild(id, newCount));
      expect(matching[0]?.stays).toBe(residue === from);
      expect(shardAfterReshard(id.toString(), count, newCount)).toEqual({
        from,
        to: residue,
        moved: residue !== from,
      });
    },
  );
});
