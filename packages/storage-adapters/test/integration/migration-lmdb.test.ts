import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Discrepancy,
  MemoryMessageStore,
  MigratingMessageStore,
} from '@guildkit/storage-adapters';
import { LmdbMessageStore } from '@guildkit/storage-adapters/lmdb';
import { ManualClock } from '@guildkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, channelSnapshot, NOW, seed, writeWhile } from '../support/migration-fixture.js';

const folders: string[] = [];

afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe('MigratingMessageStore from memory into LMDB', () => {
  it('copies while writes continue; both stores end equal, also after reopening LMDB', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'guildkit-migration-'));
    folders.push(folder);
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const ids = await seed(source, 400);
    const target = await LmdbMessageStore.open({ path: folder, clock: new ManualClock(NOW + 1) });
    const migration = new MigratingMessageStore(source, target, {
      channels: async () => CHANNELS,
      batchSize: 50,
      copyRatePerSecond: 1_000_000,
    });
    const discrepancies: Discrepancy[] = [];
    migration.on('discrepancy', (d) => discrepancies.push(d));
    let copying = true;
    const copy = migration.startCopy().finally(() => {
      copying = false;
    });
    const writes = await writeWhile(migration, ids, () => copying);
    const report = await copy;

    expect(writes).toBeGreaterThan(50);
    expect(report.complete).toBe(true);
    expect(await migration.verify()).toBe(0);
    migration.setReadShare(1);
    for (const channelId of CHANNELS) await migration.list(channelId, { limit: 100 });
    expect(discrepancies).toEqual([]);
    const expected = await Promise.all(
      CHANNELS.map((channelId) => channelSnapshot(source, channelId)),
    );
    expect(
      await Promise.all(CHANNELS.map((channelId) => channelSnapshot(target, channelId))),
    ).toEqual(expected);

    await target.close();
    const reopened = await LmdbMessageStore.open({ path: folder });
    expect(
      await Promise.all(CHANNELS.map((channelId) => channelSnapshot(reopened, channelId))),
    ).toEqual(expected);
    await reopened.close();
  });
});
