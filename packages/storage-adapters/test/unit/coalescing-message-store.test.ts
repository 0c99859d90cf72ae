import { snowflakeFromTimestamp } from '@guildkit/snowflake';
import type {
  ListQuery,
  MessageRecord,
  NewMessage,
  ReactorQuery,
} from '@guildkit/storage-adapters';
import {
  CoalescingMessageStore,
  MemoryMessageStore,
  routeByChannel,
  StorageError,
  StorageUnavailableError,
} from '@guildkit/storage-adapters';
import { describeMessageStoreConformance } from '@guildkit/storage-adapters/testing';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';

describeMessageStoreConformance('coalescing(memory)', {
  create: async (clock) => new CoalescingMessageStore(new MemoryMessageStore({ clock })),
});

const NOW = Date.UTC(2024, 0, 15);
const CHANNEL = '81384788765712384';
const OTHER = '81384788765712385';
const id = (n: number) => (BigInt(snowflakeFromTimestamp(NOW - 100_000)) + BigInt(n)).toString();
const message = (n: number, channelId = CHANNEL): NewMessage => ({
  id: id(n),
  channelId,
  authorId: '7',
  content: `m${n}`,
});

/** A memory store that records its reads and can hold every call until the test releases it. */
class ObservedStore extends MemoryMessageStore {
  readonly reads: string[] = [];
  holding = false;
  failNextList: Error | null = null;
  readonly #held: { readonly method: string; readonly resume: () => void }[] = [];

  constructor() {
    super({ clock: { now: () => NOW } });
  }

  /** Lets every held call (or only those of `method`) go on. */
  release(method?: string): void {
    for (const held of [...this.#held]) {
      if (method !== undefined && held.method !== method) continue;
      this.#held.splice(this.#held.indexOf(held), 1);
      held.resume();
    }
  }

  async #gate(method: string): Promise<void> {
    if (this.holding) await new Promise<void>((resume) => this.#held.push({ method, resume }));
  }

  override async create(input: NewMessage): Promise<MessageRecord> {
    await this.#gate('create');
    return super.create(input);
  }

  override async get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    this.reads.push('get');
    await this.#gate('get');
    return super.get(channelId, messageId);
  }

  override async list(channelId: string, query?: ListQuery): Promise<MessageRecord[]> {
    this.reads.push('list');
    await this.#gate('list');
    const failure = this.failNextList;
    this.failNextList = null;
    if (failure !== null) throw failure;
    return super.list(channelId, query);
  }

  override async reactionCounts(channelId: string, messageId: string) {
    this.reads.push('reactionCounts');
    await this.#gate('reactionCounts');
    return super.reactionCounts(channelId, messageId);
  }

  override async listReactors(c: string, m: string, emoji: string, query?: ReactorQuery) {
    this.reads.push('listReactors');
    await this.#gate('listReactors');
    return super.listReactors(c, m, emoji, query);
  }

  override async listPins(channelId: string): Promise<MessageRecord[]> {
    this.reads.push('listPins');
    await this.#gate('listPins');
    return super.listPins(channelId);
  }
}

describe('CoalescingMessageStore', () => {
  let inner: ObservedStore;
  let store: CoalescingMessageStore;

  beforeEach(async () => {
    inner = new ObservedStore();
    store = new CoalescingMessageStore(inner);
    for (let n = 0; n < 5; n += 1) await store.create(message(n));
    await store.create(message(10, OTHER));
  });

  it('answers 1,000 concurrent identical list() calls with one inner call and one result', async () => {
    const pages = await Promise.all(Array.from({ length: 1000 }, () => store.list(CHANNEL)));
    expect(inner.reads).toEqual(['list']);
    expect(store.stats()).toEqual({ innerReads: 1, joinedReads: 999 });
    const expected = [id(4), id(3), id(2), id(1), id(0)];
    for (const page of pages) {
      expect(page).toBe(pages[0]);
      expect(page.map((record) => record.id)).toEqual(expected);
    }
  });

  it('treats list(), list({}) and list({ limit: 50 }) as one read', async () => {
    await Promise.all([
      store.list(CHANNEL),
      store.list(CHANNEL, {}),
      store.list(CHANNEL, { limit: 50 }),
    ]);
    expect(inner.reads).toEqual(['list']);
  });

  it('makes separate inner calls for different arguments or channels', async () => {
    const [all, two, before, other] = await Promise.all([
      store.list(CHANNEL),
      store.list(CHANNEL, { limit: 2 }),
      store.list(CHANNEL, { before: id(2) }),
      store.list(OTHER),
    ]);
    expect(inner.reads).toEqual(['list', 'list', 'list', 'list']);
    expect(store.stats()).toEqual({ innerReads: 4, joinedReads: 0 });
    expect(all).toHaveLength(5);
    expect(two.map((record) => record.id)).toEqual([id(4), id(3)]);
    expect(before.map((record) => record.id)).toEqual([id(1), id(0)]);
    expect(other.map((record) => record.id)).toEqual([id(10)]);
  });

  it('coalesces get, reactionCounts, listReactors and listPins', async () => {
    await store.addReaction(CHANNEL, id(1), '🔥', '100');
    await store.pin(CHANNEL, id(1));
    const results = await Promise.all([
      store.get(CHANNEL, id(1)),
      store.get(CHANNEL, id(1)),
      store.get(CHANNEL, id(2)),
      store.reactionCounts(CHANNEL, id(1)),
      store.reactionCounts(CHANNEL, id(1)),
      store.listReactors(CHANNEL, id(1), '🔥'),
      store.listReactors(CHANNEL, id(1), '🔥', { limit: 25 }),
      store.listReactors(CHANNEL, id(1), '🔥', { after: '100' }),
      store.listPins(CHANNEL),
      store.listPins(CHANNEL),
    ]);
    expect(inner.reads).toEqual([
      'get',
      'get',
      'reactionCounts',
      'listReactors',
      'listReactors',
      'listPins',
    ]);
    expect(store.stats().joinedReads).toBe(4);
    expect(results[0]).toBe(results[1]);
    expect(results[3]).toEqual([{ emoji: '🔥', count: 1 }]);
    expect(results[6]).toEqual(['100']);
    expect(results[7]).toEqual([]);
    expect((results[9] as MessageRecord[]).map((record) => record.id)).toEqual([id(1)]);
  });

  it('never lets a read that starts after a write completed join a read from before it', async () => {
    inner.holding = true;
    const before = store.list(CHANNEL);
    inner.holding = false;
    await store.create(message(5));
    const after = store.list(CHANNEL);
    expect(inner.reads).toEqual(['list', 'list']);
    inner.release();
    expect((await after)[0]?.id).toBe(id(5));
    await before;
  });

  it('never lets a read that starts during or after a write join a read from before it', async () => {
    inner.holding = true;
    const first = store.list(CHANNEL);
    const write = store.create(message(5));
    const during = [store.list(CHANNEL), store.list(CHANNEL)];
    expect(inner.reads).toEqual(['list', 'list']);
    inner.release('create');
    await write;
    const later = store.list(CHANNEL);
    expect(inner.reads).toEqual(['list', 'list', 'list']);
    inner.holding = false;
    inner.release();
    expect((await later).map((record) => record.id)).toEqual([
      id(5),
      id(4),
      id(3),
      id(2),
      id(1),
      id(0),
    ]);
    await Promise.all([first, ...during]);
    expect(store.stats()).toEqual({ innerReads: 3, joinedReads: 1 });
  });

  it('keeps coalescing a channel while another channel is written', async () => {
    inner.holding = true;
    const first = store.list(CHANNEL);
    inner.holding = false;
    await store.create(message(11, OTHER));
    const second = store.list(CHANNEL);
    inner.release();
    expect(await second).toBe(await first);
    expect(inner.reads).toEqual(['list']);
  });

  it('shares an inner rejection with every joiner and does not keep it', async () => {
    const failure = new StorageUnavailableError('backend down');
    inner.failNextList = failure;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => store.list(CHANNEL)));
    for (const outcome of outcomes)
      expect(outcome).toEqual({ status: 'rejected', reason: failure });
    expect(inner.reads).toEqual(['list']);
    expect(await store.list(CHANNEL)).toHaveLength(5);
    expect(inner.reads).toEqual(['list', 'list']);
  });

  it('returns deep-frozen shared results', async () => {
    const page = await store.list(CHANNEL);
    expect(Object.isFrozen(page)).toBe(true);
    expect(() => page.push(page[0] as MessageRecord)).toThrow(TypeError);
    const counts = await store.reactionCounts(CHANNEL, id(0));
    expect(Object.isFrozen(counts)).toBe(true);
  });

  it('passes arguments it cannot normalise to the inner store uncoalesced', async () => {
    const outcomes = await Promise.allSettled([store.list('nope'), store.list('nope')]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        code: 'GK_STORAGE_INVALID_ARGUMENT',
      });
    }
    expect(inner.reads).toEqual(['list', 'list']);
    await expect(store.list(CHANNEL, { limit: 0 })).rejects.toBeInstanceOf(StorageError);
  });

  it('closes the inner store and rejects later calls with GK_STORAGE_CLOSED', async () => {
    await store.close();
    await store.close();
    await expect(store.list(CHANNEL)).rejects.toMatchObject({ code: 'GK_STORAGE_CLOSED' });
    await expect(store.create(message(6))).rejects.toMatchObject({ code: 'GK_STORAGE_CLOSED' });
    await expect(inner.get(CHANNEL, id(0))).rejects.toMatchObject({ code: 'GK_STORAGE_CLOSED' });
  });
});

describe('routeByChannel', () => {
  it('is (id >> 22) % shards', () => {
    expect(routeByChannel('175928847299117063', 8)).toBe(4);
    expect(routeByChannel('18446744073709551615', 1)).toBe(0);
    expect(routeByChannel('4194304', 3)).toBe(1);
  });

  it('always lands in 0..shards-1 and is stable', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 1 << 20 }),
        (raw, shards) => {
          const route = routeByChannel(raw.toString(), shards);
          expect(route).toBeGreaterThanOrEqual(0);
          expect(route).toBeLessThan(shards);
          expect(Number.isInteger(route)).toBe(true);
          expect(routeByChannel(raw.toString(), shards)).toBe(route);
        },
      ),
    );
  });

  it('spreads ids made one per millisecond evenly over a power-of-two instance count', () => {
    const counts = [0, 0, 0, 0];
    for (let ms = 0; ms < 400; ms += 1) {
      const route = routeByChannel(snowflakeFromTimestamp(NOW + ms), 4);
      counts[route] = (counts[route] ?? 0) + 1;
    }
    expect(counts).toEqual([100, 100, 100, 100]);
  });

  it.each([
    ['a malformed id', 'x', 4],
    ['zero shards', '5', 0],
    ['fractional shards', '5', 1.5],
    ['NaN shards', '5', Number.NaN],
  ])('refuses %s', (_label, channelId, shards) => {
    expect(() => routeByChannel(channelId, shards)).toThrow(
      expect.objectContaining({ code: 'GK_STORAGE_INVALID_ARGUMENT' }),
    );
  });
});
