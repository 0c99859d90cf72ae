import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LmdbGuildStore } from '../../src/lmdb-guild-store.js';
import { describeGuildStoreConformance } from '../../src/testing-guild.js';

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
