import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbGuildStore } from '@guildkit/storage-adapters/lmdb';
import { describeGuildStoreConformance } from '@guildkit/storage-adapters/testing';
import { afterAll, beforeAll } from 'vitest';

let root = '';
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'guildkit-guild-lmdb-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeGuildStoreConformance('LmdbGuildStore', {
  create: async (clock) => {
    count += 1;
    return LmdbGuildStore.open({ path: join(root, `store-${count}`), clock });
  },
});
