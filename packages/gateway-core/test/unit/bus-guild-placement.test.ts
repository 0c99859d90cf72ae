import { HashRing, shardIdForGuild } from '@guildkit/sharding';
import { describe, expect, it } from 'vitest';
import { GuildPlacement } from '../../src/bus/index.js';
import { GatewayErrorCode } from '../../src/errors.js';

const GUILDS = Array.from({ length: 200 }, (_, i) =>
  String(81384788765712384n + BigInt(i) * 4194304n * 7919n),
);

describe('GuildPlacement', () => {
  it('gives every guild exactly one owner among the nodes, the ring’s node of its shard', async () => {
    const nodes = ['gateway-a', 'gateway-b', 'gateway-c'];
    const ring = await HashRing.create({ nodes });
    const placements = nodes.map((nodeId) => new GuildPlacement({ ring, nodeId, shardCount: 16 }));
    for (const guildId of GUILDS) {
      const owners = placements.filter((placement) => placement.owns(guildId));
      expect(owners).toHaveLength(1);
      const shard = shardIdForGuild(guildId, 16);
      expect(placements[0]!.shardOf(guildId)).toBe(shard);
      expect(owners[0]!.nodeId).toBe(ring.nodeForShard(shard));
      expect(placements[1]!.ownerOf(guildId)).toBe(owners[0]!.nodeId);
    }
    expect(new Set(GUILDS.map((guildId) => placements[0]!.ownerOf(guildId))).size).toBe(3);
  });

  it('follows the ring when a node leaves', async () => {
    const ring = await HashRing.create({ nodes: ['gateway-a', 'gateway-b'] });
    const b = new GuildPlacement({ ring, nodeId: 'gateway-b', shardCount: 8 });
    ring.removeNode('gateway-a');
    expect(GUILDS.every((guildId) => b.owns(guildId))).toBe(true);
  });

  it('rejects a malformed guild id with GK_GATEWAY_INVALID_PAYLOAD', async () => {
    const ring = await HashRing.create({ nodes: ['a'] });
    const placement = new GuildPlacement({ ring, nodeId: 'a', shardCount: 1 });
    for (const guildId of ['', 'x', '-1', '1e3']) {
      expect(() => placement.owns(guildId)).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidPayload }),
      );
    }
  });

  it.each([
    ['an empty node id', { nodeId: '', shardCount: 1 }],
    ['zero shards', { nodeId: 'a', shardCount: 0 }],
    ['fractional shards', { nodeId: 'a', shardCount: 1.5 }],
  ])('rejects %s with GK_GATEWAY_INVALID_OPTION', async (_, options) => {
    const ring = await HashRing.create({ nodes: ['a'] });
    expect(() => new GuildPlacement({ ring, ...options })).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
    );
  });
});
