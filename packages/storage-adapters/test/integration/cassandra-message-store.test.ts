import {
  bucketOf,
  firstIdOfBucket,
  StorageError,
  StorageErrorCode,
  StorageUnavailableError,
} from '@guildkit/storage-adapters';
import { CassandraMessageStore } from '@guildkit/storage-adapters/cassandra';
import { describeMessageStoreConformance } from '@guildkit/storage-adapters/testing';
import { ManualClock, requireService } from '@guildkit/testkit';
import { type Client, errors, types } from 'cassandra-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/internal/cassandra-codec.js';
import { statementsFor } from '../../src/internal/cassandra-schema.js';
import { itMigratesIntoCassandra } from '../support/cassandra-migration.js';
import { itSurvivesAnOutage } from '../support/cassandra-outage.js';
import {
  CASSANDRA,
  LOCAL_DATA_CENTER,
  QueryLog,
  testClient,
  truncateAll,
} from '../support/cassandra-service.js';

const available = await requireService(CASSANDRA);

const KEYSPACE = 'guildkit_it';
const CHANNEL = '175928847298985984';
/** 2024-05-01T12:00:00Z. */
const NOW_MS = 1_714_564_800_000;
const DISCORD_EPOCH = 1_420_070_400_000;

/** A Snowflake `offsetMs` into `bucket`, with `increment` in the low bits. */
function idIn(bucket: number, offsetMs = 0, increment = 0): string {
  return (
    BigInt(firstIdOfBucket(bucket)) +
    (BigInt(offsetMs) << 22n) +
    BigInt(increment)
  ).toString();
}

const nowBucket = bucketOf(((BigInt(NOW_MS - DISCORD_EPOCH) << 22n) | 0n).toString());

describe.skipIf(!available)('CassandraMessageStore against the conformance suite', () => {
  let client: Client;

  beforeAll(async () => {
    client = testClient();
    await new CassandraMessageStore({ client, keyspace: KEYSPACE }).ensureSchema();
  }, 120_000);

  afterAll(async () => {
    await client?.shutdown();
  });

  describeMessageStoreConformance('CassandraMessageStore', {
    async create(clock) {
      await truncateAll(client, KEYSPACE);
      return new CassandraMessageStore({ client, keyspace: KEYSPACE, clock });
    },
    detectsDuplicates: false,
  });
});

describe.skipIf(!available)('CassandraMessageStore on a real node', () => {
  const log = new QueryLog();
  let client: Client;
  let clock: ManualClock;
  let store: CassandraMessageStore;

  beforeAll(async () => {
    client = testClient(log);
    await new CassandraMessageStore({ client, keyspace: KEYSPACE }).ensureSchema();
  }, 120_000);

  afterAll(async () => {
    await client?.shutdown();
  });

  beforeEach(async () => {
    await truncateAll(client, KEYSPACE);
    clock = new ManualClock(NOW_MS);
    store = new CassandraMessageStore({ client, keyspace: KEYSPACE, clock });
    log.clear();
  });

  const post = (id: string, content = `m${id}`) =>
    store.create({ id, channelId: CHANNEL, authorId: '80351110224678912', content });
  const ids = (records: readonly { id: string }[]) => records.map((record) => record.id);

  it('pages ids across 2^63 and up to 2^64 - 1 in numeric order (the sign-shifted bigint)', async () => {
    const all = [1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 63n + 1n, 2n ** 64n - 1n].map(
      String,
    );
    for (const id of all) await post(id);
    const newestFirst = [...all].reverse();
    expect(ids(await store.list(CHANNEL))).toEqual(newestFirst);
    expect(ids(await store.list(CHANNEL, { after: '9223372036854775807', limit: 2 }))).toEqual([
      '9223372036854775808',
      '9223372036854775809',
    ]);
    expect(ids(await store.list(CHANNEL, { before: '9223372036854775808' }))).toEqual(
      newestFirst.slice(3),
    );
    expect(ids(await store.list(CHANNEL, { around: '9223372036854775808', limit: 4 }))).toEqual([
      '18446744073709551615',
      '9223372036854775809',
      '9223372036854775808',
      '9223372036854775807',
    ]);
    await expect(store.get(CHANNEL, '18446744073709551615')).resolves.toMatchObject({
      id: '18446744073709551615',
      authorId: '80351110224678912',
    });
  });

  it('walks 40 buckets in both directions, one message query per bucket holding messages', async () => {
    const first = nowBucket - 39;
    const expected: string[] = [];
    for (let bucket = first; bucket <= nowBucket; bucket += 1) {
      for (let i = 0; i < 3; i += 1) {
        const id = idIn(bucket, 1000 + i * 1000);
        expected.push(id);
        await post(id);
      }
    }
    log.clear();
    const latest = await store.list(CHANNEL, { limit: 10 });
    expect(ids(latest)).toEqual(expected.slice(-10).reverse());
    // 10 messages at 3 per bucket: 4 buckets; the index read names 8 buckets at once.
    expect(log.selectsFrom('messages')).toBe(4);
    expect(log.selectsFrom('channel_buckets')).toBe(1);

    // An anchored page that its own bucket fills costs that one query, no index read.
    log.clear();
    // expected[60..62] share one bucket.
    const anchor = expected[60] ?? '';
    expect(ids(await store.list(CHANNEL, { before: expected[62] ?? '', limit: 2 }))).toEqual([
      expected[61],
      expected[60],
    ]);
    expect(ids(await store.list(CHANNEL, { after: anchor, limit: 2 }))).toEqual([
      expected[61],
      expected[62],
    ]);
    expect(log.queries).toHaveLength(2);

    const newestFirst: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.list(
        CHANNEL,
        before === undefined ? { limit: 100 } : { before, limit: 100 },
      );
      if (page.length === 0) break;
      newestFirst.push(...ids(page));
      before = page.at(-1)?.id;
    }
    expect(newestFirst).toEqual([...expected].reverse());

    const oldestFirst: string[] = [];
    let after = '0';
    for (;;) {
      const page = await store.list(CHANNEL, { after, limit: 100 });
      if (page.length === 0) break;
      oldestFirst.push(...ids(page));
      after = page.at(-1)?.id ?? after;
    }
    expect(oldestFirst).toEqual(expected);

    expect(ids(await store.list(CHANNEL, { around: anchor, limit: 7 }))).toEqual(
      expected.slice(57, 64).reverse(),
    );
  });

  it('stops at the first bucket, however many empty years lie between two messages', async () => {
    const ancient = idIn(30, 5); // early 2016
    const recent = idIn(nowBucket, 5);
    await post(ancient);
    await post(recent);
    const emptyBuckets = nowBucket - 30 - 1;
    expect(emptyBuckets).toBeGreaterThan(300);

    log.clear();
    expect(ids(await store.list(CHANNEL))).toEqual([recent, ancient]);
    expect(log.selectsFrom('messages')).toBe(2);
    expect(log.selectsFrom('channel_buckets')).toBe(1);

    log.clear();
    expect(ids(await store.list(CHANNEL, { before: recent }))).toEqual([ancient]);
    expect(ids(await store.list(CHANNEL, { before: ancient }))).toEqual([]);
    expect(ids(await store.list(CHANNEL, { after: ancient }))).toEqual([recent]);
    expect(ids(await store.list(CHANNEL, { after: recent }))).toEqual([]);
    expect(ids(await store.list(CHANNEL, { after: '0' }))).toEqual([ancient, recent]);
    // Each page: its anchor's bucket, one index read, then only buckets that hold messages
    // (3 + 2 + 3 + 2 + 4), never one of the empty buckets in between.
    expect(log.queries).toHaveLength(14);
  });

  it('writes no null cells: optional columns at their default are absent, not tombstones', async () => {
    const id = idIn(nowBucket, 9);
    await post(id);
    await store.put({
      id: idIn(nowBucket, 10),
      channelId: CHANNEL,
      authorId: '1',
      content: 'restored',
      embeds: [],
      editedTimestamp: null,
      pinned: false,
    });
    await store.edit(CHANNEL, id, { content: 'edited' });
    await store.pin(CHANNEL, id);
    await store.addReaction(CHANNEL, id, '🔥', '5');

    const writes = log.queries.filter((q) => /^(INSERT|UPDATE)/.test(q));
    expect(writes.length).toBeGreaterThan(0);
    expect(log.nullParameters).toEqual([]);

    const traced = await client.execute(
      `SELECT * FROM ${KEYSPACE}.messages WHERE channel_id = ? AND bucket = ?`,
      [encodeId(CHANNEL), nowBucket],
      { prepare: true, traceQuery: true },
    );
    expect(traced.rowLength).toBe(2);
    const activities = await traceActivities(client, traced.info.traceId);
    expect(activities).toContain('Read 2 live rows and 0 tombstone cells');
  });

  it('treats a row that an edit re-created after the delete as deleted, and list still fills up', async () => {
    const older = [idIn(nowBucket - 1, 1), idIn(nowBucket - 1, 2), idIn(nowBucket - 1, 3)];
    const ghosts = [idIn(nowBucket, 1), idIn(nowBucket, 2)];
    for (const id of [...older, ...ghosts]) await post(id);
    const edit = statementsFor(KEYSPACE).editMessage;
    for (const id of ghosts) {
      await expect(store.delete(CHANNEL, id)).resolves.toBe(true);
      // The UPDATE a concurrent edit issues, landing after the delete.
      await client.execute(
        edit,
        [
          'late edit',
          types.unset,
          '2024-05-01T12:00:01.000Z',
          encodeId(CHANNEL),
          nowBucket,
          encodeId(id),
        ],
        { prepare: true },
      );
    }
    const raw = await client.execute(
      `SELECT content, author_id FROM ${KEYSPACE}.messages WHERE channel_id = ? AND bucket = ?`,
      [encodeId(CHANNEL), nowBucket],
      { prepare: true },
    );
    expect(raw.rows.map((row) => [row.get('content'), row.get('author_id')])).toEqual([
      ['late edit', null],
      ['late edit', null],
    ]);

    await expect(store.get(CHANNEL, ghosts[0] ?? '')).resolves.toBeNull();
    expect(ids(await store.list(CHANNEL, { limit: 2 }))).toEqual([older[2], older[1]]);
    expect(ids(await store.list(CHANNEL, { after: '0', limit: 5 }))).toEqual(older);
    expect(ids(await store.list(CHANNEL, { around: ghosts[0] ?? '', limit: 4 }))).toEqual([
      older[2],
      older[1],
    ]);
    await expect(store.edit(CHANNEL, ghosts[0] ?? '', { content: 'x' })).rejects.toMatchObject({
      code: StorageErrorCode.UnknownMessage,
    });
    await expect(store.addReaction(CHANNEL, ghosts[0] ?? '', '🔥', '5')).rejects.toMatchObject({
      code: StorageErrorCode.UnknownMessage,
    });
    await expect(store.delete(CHANNEL, ghosts[0] ?? '')).resolves.toBe(false);
    const after = await client.execute(
      `SELECT message_id FROM ${KEYSPACE}.messages WHERE channel_id = ? AND bucket = ?`,
      [encodeId(CHANNEL), nowBucket],
      { prepare: true },
    );
    expect(after.rowLength).toBe(1);
  });

  it('put turns an edited, pinned message back into an unedited, unpinned one', async () => {
    const id = idIn(nowBucket, 1);
    const record = {
      id,
      channelId: CHANNEL,
      authorId: '7',
      content: 'v1',
      embeds: [{ title: 't' }],
      editedTimestamp: '2017-07-11T17:27:07.299000+00:00',
      pinned: true,
    };
    await store.put(record);
    await expect(store.get(CHANNEL, id)).resolves.toEqual(record);
    expect(ids(await store.listPins(CHANNEL))).toEqual([id]);
    const plain = {
      ...record,
      content: '',
      embeds: [{ title: 'u' }],
      editedTimestamp: null,
      pinned: false,
    };
    await store.put(plain);
    await expect(store.get(CHANNEL, id)).resolves.toEqual(plain);
    await expect(store.listPins(CHANNEL)).resolves.toEqual([]);
  });

  it('keeps emoji first-added order under a frozen clock, and drops an emoji whose count hits 0', async () => {
    const id = idIn(nowBucket, 1);
    await post(id);
    for (const emoji of ['👍', '🔥', 'blobwave:396521773', '😀']) {
      await expect(store.addReaction(CHANNEL, id, emoji, '5')).resolves.toBe(true);
    }
    await expect(store.addReaction(CHANNEL, id, '🔥', '5')).resolves.toBe(false);
    await store.addReaction(CHANNEL, id, '🔥', '6');
    await expect(store.removeReaction(CHANNEL, id, '👍', '5')).resolves.toBe(true);
    await store.addReaction(CHANNEL, id, '👍', '9');
    await expect(store.reactionCounts(CHANNEL, id)).resolves.toEqual([
      { emoji: '🔥', count: 2 },
      { emoji: 'blobwave:396521773', count: 1 },
      { emoji: '😀', count: 1 },
      { emoji: '👍', count: 1 },
    ]);
    await expect(store.listReactors(CHANNEL, id, '🔥', { after: '5' })).resolves.toEqual(['6']);
    await expect(store.delete(CHANNEL, id)).resolves.toBe(true);
    await post(id);
    await expect(store.reactionCounts(CHANNEL, id)).resolves.toEqual([]);
    await expect(store.listReactors(CHANNEL, id, '🔥')).resolves.toEqual([]);
  });

  it('creates the keyspace with NetworkTopologyStrategy, idempotently', async () => {
    const keyspace = 'guildkit_it_nts';
    const nts = new CassandraMessageStore({ client, keyspace });
    const replication = {
      class: 'NetworkTopologyStrategy',
      dataCenters: { [LOCAL_DATA_CENTER]: 1 },
    } as const;
    try {
      await nts.ensureSchema({ replication });
      await nts.ensureSchema({ replication });
      const row = (
        await client.execute(
          'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
          [keyspace],
          { prepare: true },
        )
      ).first();
      expect(row.get('replication')).toMatchObject({
        class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
        [LOCAL_DATA_CENTER]: '1',
      });
      await nts.create({ id: idIn(nowBucket), channelId: CHANNEL, authorId: '1', content: 'x' });
      await expect(nts.list(CHANNEL)).resolves.toHaveLength(1);
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    }
  }, 60_000);

  it('refuses a malformed keyspace or replication before touching the cluster', async () => {
    expect(() => new CassandraMessageStore({ client, keyspace: 'Robert; DROP' })).toThrow(
      StorageError,
    );
    await expect(
      store.ensureSchema({ replication: { class: 'SimpleStrategy', replicationFactor: 0 } }),
    ).rejects.toMatchObject({ code: StorageErrorCode.InvalidArgument });
    await expect(
      store.ensureSchema({
        replication: { class: 'NetworkTopologyStrategy', dataCenters: { "dc'1": 1 } },
      }),
    ).rejects.toMatchObject({ code: StorageErrorCode.InvalidArgument });
  });

  it('reports a server-side error at once, as StorageUnavailableError without retries', async () => {
    const missing = new CassandraMessageStore({ client, keyspace: 'guildkit_it_missing' });
    const error = await missing.get(CHANNEL, '1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StorageUnavailableError).message).toMatch(/after 1 attempt\(s\)/);
    expect((error as Error).cause).toBeInstanceOf(errors.ResponseError);
  });
});

describe('CassandraMessageStore without a reachable node', () => {
  it('rejects with StorageUnavailableError after its bounded retries, no driver stack trace', async () => {
    const store = new CassandraMessageStore({
      contactPoints: ['127.0.0.1:1'],
      localDataCenter: LOCAL_DATA_CENTER,
      retry: { attempts: 3, backoffMs: 1, maxBackoffMs: 2 },
    });
    try {
      const started = Date.now();
      const error = await store.list(CHANNEL).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      const unavailable = error as StorageUnavailableError;
      expect(unavailable.code).toBe(StorageErrorCode.Unavailable);
      expect(unavailable.message).toMatch(
        /^cassandra: list failed after 3 attempt\(s\): NoHostAvailableError/,
      );
      expect(unavailable.message).not.toMatch(/\n|\bat /);
      expect(unavailable.cause).toBeInstanceOf(errors.NoHostAvailableError);
    } finally {
      await store.close();
    }
    await expect(store.get(CHANNEL, '1')).rejects.toMatchObject({ code: StorageErrorCode.Closed });
  });
});

async function traceActivities(client: Client, traceId: types.Uuid): Promise<string[]> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const trace = await client.metadata.getTrace(traceId);
      const activities: string[] = trace.events.map(
        (event: { activity: string }) => event.activity,
      );
      if (activities.some((a) => a.includes('tombstone cells')) || attempt >= 20) return activities;
    } catch (error) {
      if (attempt >= 20) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!available)('CassandraMessageStore in a migration, then through an outage', () => {
  let client: Client;

  beforeAll(async () => {
    client = testClient();
    await new CassandraMessageStore({ client, keyspace: KEYSPACE }).ensureSchema();
  }, 120_000);

  afterAll(async () => {
    await client?.shutdown();
  });

  itMigratesIntoCassandra(() => client, KEYSPACE);
  itSurvivesAnOutage(KEYSPACE);
});
