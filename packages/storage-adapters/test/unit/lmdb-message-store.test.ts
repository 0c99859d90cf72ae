import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageStore } from '@guildkit/storage-adapters';
import { StorageError } from '@guildkit/storage-adapters';
import { LmdbMessageStore } from '@guildkit/storage-adapters/lmdb';
import { describeMessageStoreConformance } from '@guildkit/storage-adapters/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const directories = new WeakMap<MessageStore, string>();

describeMessageStoreConformance('LmdbMessageStore', {
  async create(clock) {
    const dir = await mkdtemp(join(tmpdir(), 'guildkit-lmdb-conformance-'));
    const store = await LmdbMessageStore.open({ path: dir, clock });
    directories.set(store, dir);
    return store;
  },
  async destroy(store) {
    await store.close();
    const dir = directories.get(store);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  },
});

describe('LmdbMessageStore specifics', () => {
  const clock = { now: () => Date.parse('2024-05-01T12:00:00.000Z') };
  let dir: string;
  let store: LmdbMessageStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'guildkit-lmdb-unit-'));
    store = await LmdbMessageStore.open({ path: dir, clock });
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pages ids across the 2^53 boundary and up to 2^64 - 1 in exact numeric order', async () => {
    const ids = [
      1n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      2n ** 53n + 2n,
      2n ** 63n,
      2n ** 64n - 2n,
      2n ** 64n - 1n,
    ].map(String);
    for (const id of [...ids].reverse()) {
      await store.create({ id, channelId: '9', authorId: '1', content: id });
    }
    const newestFirst = [...ids].reverse();
    expect((await store.list('9')).map((m) => m.id)).toEqual(newestFirst);
    expect(
      (await store.list('9', { after: '9007199254740992', limit: 2 })).map((m) => m.id),
    ).toEqual(['9007199254740993', '9007199254740994']);
    expect((await store.list('9', { before: '9007199254740993' })).map((m) => m.id)).toEqual([
      '9007199254740992',
      '9007199254740991',
      '1',
    ]);
    expect(
      (await store.list('9', { around: '9007199254740993', limit: 4 })).map((m) => m.id),
    ).toEqual(['9223372036854775808', '9007199254740994', '9007199254740993', '9007199254740992']);
    expect((await store.list('9', { after: '18446744073709551615' })).map((m) => m.id)).toEqual([]);
  });

  it("deleting a message leaves the reactions and pin of the next id's message alone", async () => {
    const [a, b] = ['9007199254740993', '9007199254740994'];
    for (const id of [a, b]) {
      await store.create({ id, channelId: '9', authorId: '1', content: 'x' });
      await store.addReaction('9', id, '🔥', '5');
      await store.pin('9', id);
    }
    await expect(store.delete('9', a)).resolves.toBe(true);
    await expect(store.reactionCounts('9', b)).resolves.toEqual([{ emoji: '🔥', count: 1 }]);
    await expect(store.listReactors('9', b, '🔥')).resolves.toEqual(['5']);
    await expect(store.listPins('9')).resolves.toMatchObject([{ id: b, pinned: true }]);
  });

  it('applies writes in call order even when the caller does not await between them', async () => {
    await store.create({ id: '300', channelId: '9', authorId: '1', content: 'first' });
    const deleted = store.delete('9', '300');
    const recreated = store.create({ id: '300', channelId: '9', authorId: '2', content: 'again' });
    const pinned = store.pin('9', '300');
    await expect(deleted).resolves.toBe(true);
    await expect(recreated).resolves.toMatchObject({ authorId: '2', pinned: false });
    await expect(pinned).resolves.toBeUndefined();
    await expect(store.get('9', '300')).resolves.toMatchObject({ content: 'again', pinned: true });
  });

  it('keeps a message channel-scoped: the same id in another channel is another message', async () => {
    await store.create({ id: '500', channelId: '1', authorId: '1', content: 'one' });
    await store.create({ id: '500', channelId: '2', authorId: '1', content: 'two' });
    await expect(store.get('1', '500')).resolves.toMatchObject({ content: 'one' });
    await expect(store.list('2')).resolves.toMatchObject([{ content: 'two' }]);
  });

  it('wraps an LMDB failure to open in GK_STORAGE_UNAVAILABLE with the driver error as cause', async () => {
    const file = join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    const failure = await LmdbMessageStore.open({ path: join(file, 'db') }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StorageError);
    expect(failure).toMatchObject({ code: 'GK_STORAGE_UNAVAILABLE' });
    expect((failure as StorageError).cause).toBeInstanceOf(Error);
    expect((failure as StorageError).cause).not.toBeInstanceOf(StorageError);
  });

  it('finishes writes already started before close, then rejects every call', async () => {
    const pending = store.create({ id: '77', channelId: '9', authorId: '1', content: 'in flight' });
    await store.close();
    await expect(pending).resolves.toMatchObject({ id: '77' });
    await expect(store.list('9')).rejects.toMatchObject({ code: 'GK_STORAGE_CLOSED' });
    await expect(
      store.create({ id: '78', channelId: '9', authorId: '1', content: 'late' }),
    ).rejects.toMatchObject({ code: 'GK_STORAGE_CLOSED' });
    await expect(store.close()).resolves.toBeUndefined();
    const reopened = await LmdbMessageStore.open({ path: dir });
    await expect(reopened.get('9', '77')).resolves.toMatchObject({ content: 'in flight' });
    await reopened.close();
  });
});
