import { fc, test } from '@fast-check/vitest';
import { StorageErrorCode } from '@guildkit/storage-adapters';
import { describe, expect, it } from 'vitest';
import { KvGuildBackend, type KvWritableView } from '../../src/internal/guild-kv.js';
import { MemoryKvStore } from '../../src/internal/guild-memory-kv.js';
import type { GuildRepository } from '../../src/internal/guild-repository.js';

const id = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => n.toString());
const write = fc.record({ id, value: fc.option(fc.integer(), { nil: undefined }) });

/** A backend whose repository hands the test the raw view it runs on. */
function viewBackend(store: MemoryKvStore) {
  let current: KvWritableView | undefined;
  const backend = new KvGuildBackend(store, (view) => {
    current = view;
    return {} as GuildRepository;
  });
  const inTransaction = <T>(fn: (view: KvWritableView) => T) =>
    backend.write(async () => fn(current!));
  return { backend, inTransaction };
}

function model(entries: Map<string, number>, after: string | undefined): [string, number][] {
  return [...entries]
    .filter(([key]) => after === undefined || BigInt(key) > BigInt(after))
    .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

describe('KvGuildBackend transactions over MemoryKvStore', () => {
  test.prop([fc.array(write), fc.array(write), fc.option(id, { nil: undefined })])(
    'scans inside a transaction as the committed entries with its own writes applied',
    async (committed, pending, after) => {
      const store = new MemoryKvStore();
      const expected = new Map<string, number>();
      const apply = (writes: typeof committed) => {
        for (const { id: key, value } of writes) {
          if (value === undefined) expected.delete(key);
          else expected.set(key, value);
        }
      };
      store.commit(committed.map(({ id: key, value }) => ({ scope: 's', id: key, value })));
      apply(committed);
      const { inTransaction } = viewBackend(store);
      const seen = await inTransaction((view) => {
        for (const { id: key, value } of pending) view.set('s', key, value);
        return [...view.scan('s', after)];
      });
      apply(pending);
      expect(seen).toEqual(model(expected, after));
      expect([...store.scan('s', after)]).toEqual(model(expected, after));
    },
  );

  it('commits nothing of a transaction that throws', async () => {
    const store = new MemoryKvStore();
    store.commit([{ scope: 's', id: '1', value: 'kept' }]);
    const { inTransaction } = viewBackend(store);
    const failed = inTransaction((view) => {
      view.set('s', '1', undefined);
      view.set('s', '2', 'new');
      throw new Error('boom');
    });
    await expect(failed).rejects.toMatchObject({ code: StorageErrorCode.Unavailable });
    expect([...store.scan('s', undefined)]).toEqual([['1', 'kept']]);
  });

  it('runs transactions one at a time', async () => {
    const store = new MemoryKvStore();
    const { inTransaction } = viewBackend(store);
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        inTransaction(async () => {
          order.push(`${name}:start`);
          await new Promise((resolve) => setTimeout(resolve, 1));
          order.push(`${name}:end`);
        }),
      ),
    );
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });
});
