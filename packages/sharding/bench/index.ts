import { HashRing, shardIdForGuild } from '@guildkit/sharding';
import { compareSideBySide, formatComparisonTable } from '@guildkit/testkit';
import { ShardClientUtil } from 'discord.js';
import xxhash from 'xxhash-wasm';
import { guildIdFixture } from './fixtures.js';
import { NaiveSortedArrayRing } from './naive-ring.js';

const GUILD_IDS = guildIdFixture(4096);
const SHARD_COUNT = 1536;
const NODES = Array.from({ length: 16 }, (_, i) => `gateway-${i}`);
const RING_SHARDS = 1024;
const VIRTUAL_NODES = 160;

async function shardIdBench(): Promise<string> {
  let sink = 0;
  const rows = await compareSideBySide({
    ours: {
      name: '@guildkit/sharding shardIdForGuild(string)',
      fn: () => {
        for (const id of GUILD_IDS) sink += shardIdForGuild(id, SHARD_COUNT);
      },
    },
    peers: [
      {
        name: 'discord.js ShardClientUtil.shardIdForGuildId',
        fn: () => {
          for (const id of GUILD_IDS) sink += ShardClientUtil.shardIdForGuildId(id, SHARD_COUNT);
        },
      },
    ],
    opsPerCall: GUILD_IDS.length,
  });
  if (sink < 0) throw new Error('unreachable');
  return formatComparisonTable(
    `shard of a guild: ${GUILD_IDS.length} realistic 18–19 digit ids, ${SHARD_COUNT} shards`,
    rows,
  );
}

async function ringBench(): Promise<string> {
  const api = await xxhash();
  const ring = await HashRing.create({ nodes: NODES, virtualNodes: VIRTUAL_NODES });
  const naive = new NaiveSortedArrayRing((input) => api.h32(input), NODES, VIRTUAL_NODES);
  let sink = 0;
  const rows = await compareSideBySide({
    ours: {
      name: '@guildkit/sharding HashRing.nodeForShard',
      fn: () => {
        for (let shardId = 0; shardId < RING_SHARDS; shardId++) {
          sink += ring.nodeForShard(shardId).length;
        }
      },
    },
    peers: [
      {
        name: 'naive sorted-array ring, linear scan',
        fn: () => {
          for (let shardId = 0; shardId < RING_SHARDS; shardId++) {
            sink += naive.nodeForShard(shardId).length;
          }
        },
      },
      {
        name: 'modulo placement nodes[shard % N]',
        fn: () => {
          for (let shardId = 0; shardId < RING_SHARDS; shardId++) {
            sink += NODES[shardId % NODES.length]!.length;
          }
        },
      },
    ],
    opsPerCall: RING_SHARDS,
  });
  if (sink < 0) throw new Error('unreachable');
  const notes = ['', '', 'not consistent: adding a node moves ~N/(N+1) of the shards'];
  return formatComparisonTable(
    `shard -> node: ${NODES.length} nodes x ${VIRTUAL_NODES} virtual nodes, ${RING_SHARDS} shards`,
    rows.map((row, index) => ({ ...row, note: notes[index] ?? '' })),
  );
}

process.stdout.write(`${await shardIdBench()}\n`);
process.stdout.write(`${await ringBench()}\n`);
