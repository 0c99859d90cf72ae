import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTcpReachable } from '@guildkit/testkit';
import { Client } from 'cassandra-driver';
import { CassandraMessageStore } from '../src/cassandra.js';
import { LmdbMessageStore } from '../src/lmdb-message-store.js';
import { MemoryMessageStore } from '../src/memory-message-store.js';
import type { MessageStore } from '../src/types.js';
import { cassandraBench } from './cassandra.js';
import { coalescingBench, type StormTarget } from './coalescing.js';
import { lmdbBench } from './lmdb.js';

const STORM_CHANNEL = '175928847298985990';

async function seedStormChannel(store: MessageStore): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    await store.create({
      id: (1_300_000_000_000_000_000n + BigInt(i) * 4_194_304n).toString(),
      channelId: STORM_CHANNEL,
      authorId: '1000',
      content: `message ${i}`,
    });
  }
}

const cassandraUp = await isTcpReachable('127.0.0.1', 9042);
process.stdout.write(`${await lmdbBench()}\n`);
if (cassandraUp) process.stdout.write(`${await cassandraBench()}\n`);
else
  process.stdout.write(
    'Cassandra is not reachable on 127.0.0.1:9042 (.ci/cassandra/start): its benches are left out.\n\n',
  );

const folder = await mkdtemp(join(tmpdir(), 'guildkit-storm-'));
const targets: StormTarget[] = [
  { name: 'MemoryMessageStore', store: new MemoryMessageStore(), channelId: STORM_CHANNEL },
  {
    name: 'LmdbMessageStore',
    store: await LmdbMessageStore.open({ path: folder }),
    channelId: STORM_CHANNEL,
  },
];
const client = cassandraUp
  ? new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' })
  : undefined;
if (client !== undefined) {
  const store = new CassandraMessageStore({ client, keyspace: 'guildkit_bench' });
  await store.ensureSchema();
  targets.push({ name: 'CassandraMessageStore', store, channelId: STORM_CHANNEL });
}
for (const target of targets) await seedStormChannel(target.store);
process.stdout.write(`${await coalescingBench(targets)}\n`);
for (const target of targets) await target.store.close();
await client?.shutdown();
await rm(folder, { recursive: true, force: true });
