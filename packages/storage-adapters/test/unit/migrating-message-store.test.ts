import {
  type Discrepancy,
  MemoryCheckpointStore,
  MemoryMessageStore,
  type MessageStore,
  MigratingMessageStore,
  type MigrationOptions,
  StorageError,
  StorageErrorCode,
} from '@guildkit/storage-adapters';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  channelSnapshot,
  messageId,
  NOW,
  seed,
  userId,
  writeWhile,
} from '../support/migration-fixture.js';

const noSleep = async (): Promise<void> => {};

/** `store` with some methods replaced (the rest bound to `store`, whose fields are private). */
function intercept(store: MessageStore, overrides: () => Partial<MessageStore>): MessageStore {
  return new Proxy(store, {
    get(target, key) {
      const override = (overrides() as Record<PropertyKey, unknown>)[key];
      if (override !== undefined) return override;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function migration(
  source: MessageStore,
  target: MessageStore,
  options: Partial<MigrationOptions> = {},
): { store: MigratingMessageStore; discrepancies: Discrepancy[] } {
  const store = new MigratingMessageStore(source, target, {
    channels: async () => CHANNELS,
    sleep: noSleep,
    ...options,
  });
  const discrepancies: Discrepancy[] = [];
  store.on('discrepancy', (d) => discrepancies.push(d));
  return { store, discrepancies };
}

/**
 * `store` whose every call first waits 0..3 event-loop turns (a seeded choice), so concurrent
 * writes and copy batches interleave at every step, as against a real database.
 */
function withLatency(store: MessageStore, seedValue: number): MessageStore {
  let state = seedValue;
  const turns = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state >>> 30;
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        for (let n = turns(); n > 0; n--) await new Promise((resolve) => setImmediate(resolve));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('MigratingMessageStore', () => {
  it('copies every message, edit, pin and reaction, then verify finds nothing', async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const target = new MemoryMessageStore({ clock: new ManualClock(NOW + 999) });
    await seed(source, 250);
    const { store, discrepancies } = migration(source, target, { batchSize: 40 });
    const report = await store.startCopy();
    expect(report).toEqual({
      channels: 3,
      copiedMessages: 750,
      removedFromTarget: 0,
      complete: true,
    });
    for (const channelId of CHANNELS) {
      expect(await channelSnapshot(target, channelId)).toEqual(
        await channelSnapshot(source, channelId),
      );
      expect(await target.listPins(channelId)).toEqual(await source.listPins(channelId));
      expect(store.isCopied(channelId)).toBe(true);
    }
    expect(await store.verify()).toBe(0);
    expect(discrepancies).toEqual([]);
  });

  it('keeps both stores equal while writes continue during the copy', async () => {
    const rawSource = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const rawTarget = new MemoryMessageStore({ clock: new ManualClock(NOW + 5_000) });
    const ids = await seed(rawSource, 120);
    const source = withLatency(rawSource, 7);
    const target = withLatency(rawTarget, 11);
    const { store } = migration(source, target, { batchSize: 10 });
    let copying = true;
    const copy = store.startCopy().finally(() => {
      copying = false;
    });
    const writes = await writeWhile(store, ids, () => copying);
    expect(writes).toBeGreaterThan(100);
    expect((await copy).complete).toBe(true);
    expect(await store.verify()).toBe(0);
    for (const channelId of CHANNELS)
      expect(await channelSnapshot(target, channelId)).toEqual(
        await channelSnapshot(source, channelId),
      );
  });

  it("holds a channel's writes while a copy batch is between reading the source and writing the target", async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const inner = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const channelId = CHANNELS[0]!;
    const ids = (await seed(source, 5)).get(channelId)!;
    const victim = ids[2]!;
    let reachedPut!: () => void;
    const putReached = new Promise<void>((resolve) => {
      reachedPut = resolve;
    });
    let releasePut!: () => void;
    const putReleased = new Promise<void>((resolve) => {
      releasePut = resolve;
    });
    const target = intercept(inner, () => ({
      put: async (record) => {
        if (record.id === victim) {
          reachedPut();
          await putReleased;
        }
        return inner.put(record);
      },
    }));
    const { store } = migration(source, target, { channels: async () => [channelId] });
    const copy = store.startCopy();
    await putReached;
    let deleted = false;
    const deletion = store.delete(channelId, victim).then((existed) => {
      deleted = existed;
    });
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(deleted).toBe(false);
    releasePut();
    await Promise.all([copy, deletion]);
    expect(deleted).toBe(true);
    expect(await inner.get(channelId, victim)).toBeNull();
    expect(await store.verify()).toBe(0);
  });

  it('resumes a stopped copy from its checkpoint without copying anything twice', async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    await seed(source, 120);
    const checkpoints = new MemoryCheckpointStore();
    const target = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const first = migration(source, target, { batchSize: 50, checkpoints }).store;
    first.on('copyProgress', (checkpoint) => {
      if (checkpoint.copiedMessages >= 150) void first.stopCopy();
    });
    const stopped = await first.startCopy();
    expect(stopped.complete).toBe(false);
    expect(stopped.copiedMessages).toBe(170);
    expect(await checkpoints.load()).toMatchObject({ channelIndex: 1, channelId: CHANNELS[1] });

    const puts: string[] = [];
    const countingTarget = intercept(target, () => ({
      put: (record) => {
        puts.push(record.id);
        return target.put(record);
      },
    }));
    const second = migration(source, countingTarget, { batchSize: 50, checkpoints }).store;
    const resumed = await second.startCopy();
    expect(resumed).toMatchObject({ complete: true, copiedMessages: 360 });
    expect(puts).toHaveLength(190);
    expect(await second.verify()).toBe(0);
  });

  it('deletes from the target what the source no longer holds', async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const target = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    await seed(source, 30);
    const stray = {
      id: messageId(3, 7),
      channelId: CHANNELS[0]!,
      authorId: userId(2),
      content: 'only in the target',
      embeds: [],
      editedTimestamp: null,
      pinned: false,
    };
    await target.put(stray);
    const { store } = migration(source, target, { batchSize: 10 });
    expect((await store.startCopy()).removedFromTarget).toBe(1);
    expect(await target.get(CHANNELS[0]!, stray.id)).toBeNull();
  });

  it('serves the configured share of reads from the target and reports every difference with both versions', async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const target = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const ids = await seed(source, 20);
    let roll = 0.5;
    const { store, discrepancies } = migration(source, target, { random: () => roll });
    const shares: number[][] = [];
    store.on('readShareChanged', (share, previous) => shares.push([share, previous]));
    await store.startCopy();
    const channelId = CHANNELS[1]!;
    const id = ids.get(channelId)![3]!;
    const original = await source.get(channelId, id);
    await target.put({ ...original!, content: 'drifted' });

    expect((await store.get(channelId, id))?.content).toBe(original!.content);
    expect(discrepancies).toEqual([
      {
        operation: 'get',
        channelId,
        args: [id],
        source: original,
        target: { ...original, content: 'drifted' },
      },
    ]);

    store.setReadShare(0.25);
    roll = 0.2;
    expect((await store.get(channelId, id))?.content).toBe('drifted');
    roll = 0.3;
    expect((await store.get(channelId, id))?.content).toBe(original!.content);
    store.setReadShare(0);
    expect(shares).toEqual([
      [0.25, 0],
      [0, 0.25],
    ]);
    expect(discrepancies).toHaveLength(3);
    expect(await store.verify()).toBe(1);
    expect(() => store.setReadShare(1.5)).toThrow(StorageError);
  });

  it('copies a message the target lacks when a dual write misses it, and recopies a channel after a failed target write', async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    const inner = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    let failPuts = false;
    const target = intercept(inner, () =>
      failPuts
        ? {
            put: async () => {
              throw new StorageError(StorageErrorCode.Unavailable, 'target down');
            },
          }
        : {},
    );
    const ids = await seed(source, 10);
    const { store } = migration(source, target);
    const failures: string[] = [];
    store.on('targetWriteFailed', ({ operation, channelId }) =>
      failures.push(`${operation} ${channelId}`),
    );

    const channelId = CHANNELS[2]!;
    const old = ids.get(channelId)![4]!;
    await store.addReaction(channelId, old, '🔥', userId(9));
    expect(await inner.get(channelId, old)).toEqual(await source.get(channelId, old));
    expect(await inner.reactionCounts(channelId, old)).toEqual(
      await source.reactionCounts(channelId, old),
    );

    await store.startCopy();
    failPuts = true;
    await store.edit(channelId, old, { content: 'while the target is down' });
    expect(failures).toEqual([`edit ${channelId}`]);
    expect(store.isCopied(channelId)).toBe(false);
    failPuts = false;
    await store.startCopy();
    expect(store.isCopied(channelId)).toBe(true);
    expect(await store.verify()).toBe(0);
  });

  it('keeps to the copy rate', async () => {
    const source = new MemoryMessageStore({ clock: new ManualClock(NOW) });
    await seed(source, 100);
    const clock = new ManualClock(0);
    const slept: number[] = [];
    const { store } = migration(source, new MemoryMessageStore({ clock }), {
      clock,
      batchSize: 100,
      copyRatePerSecond: 100,
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    await store.startCopy();
    expect(slept).toEqual([1000, 1000]);
    expect(clock.now()).toBe(2000);
  });

  it('rejects bad options and a checkpoint from another channel list', async () => {
    const memory = new MemoryMessageStore();
    expect(() => migration(memory, memory, { batchSize: 0 })).toThrow(StorageError);
    expect(() => migration(memory, memory, { copyRatePerSecond: 0 })).toThrow(StorageError);
    expect(() => migration(memory, memory, { readShare: -0.1 })).toThrow(StorageError);
    const checkpoints = new MemoryCheckpointStore();
    await checkpoints.save({
      channelIndex: 1,
      channelId: '1',
      afterMessageId: null,
      copiedMessages: 0,
    });
    const { store } = migration(memory, new MemoryMessageStore(), { checkpoints });
    await expect(store.startCopy()).rejects.toMatchObject({
      code: StorageErrorCode.InvalidArgument,
    });
    await store.close();
    expect(() => store.setReadShare(0.5)).not.toThrow();
    await expect(store.get(CHANNELS[0]!, messageId(1, 1))).rejects.toMatchObject({
      code: StorageErrorCode.Closed,
    });
  });
});
