import { MemoryMessageStore, MigratingMessageStore } from '@guildkit/storage-adapters';
import { CassandraMessageStore } from '@guildkit/storage-adapters/cassandra';
import { ManualClock } from '@guildkit/testkit';
import type { Client } from 'cassandra-driver';
import { expect, it } from 'vitest';
import { truncateAll } from './cassandra-service.js';
import { CHANNELS, channelSnapshot, NOW, seed, writeWhile } from './migration-fixture.js';

/**
 * Registers the test that migrates a memory store into Cassandra while writes continue.
 *
 * @param client - a connected client.
 * @param keyspace - a keyspace whose schema exists; emptied first.
 */
export function itMigratesIntoCassandra(client: () => Client, keyspace: string): void {
  it('migrates a memory store into Cassandra while writes continue; both end equal', async () => {
    await truncateAll(client(), keyspace);
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const ids = await seed(source, 150);
    const target = new CassandraMessageStore({
      client: client(),
      keyspace,
      clock: new ManualClock(NOW + 1),
    });
    const migration = new MigratingMessageStore(source, target, {
      channels: async () => CHANNELS,
      batchSize: 50,
      copyRatePerSecond: 1_000_000,
    });
    const discrepancies: unknown[] = [];
    migration.on('discrepancy', (d) => discrepancies.push(d));
    let copying = true;
    const copy = migration.startCopy().finally(() => {
      copying = false;
    });
    const writes = await writeWhile(migration, ids, () => copying);
    expect((await copy).complete).toBe(true);
    expect(writes).toBeGreaterThan(20);
    expect(await migration.verify()).toBe(0);
    migration.setReadShare(1);
    for (const channelId of CHANNELS) await migration.list(channelId, { limit: 100 });
    expect(discrepancies).toEqual([]);
    for (const channelId of CHANNELS)
      expect(await channelSnapshot(target, channelId)).toEqual(
        await channelSnapshot(source, channelId),
      );
  }, 180_000);
}
