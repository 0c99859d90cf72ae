import type { Scheduler } from '@guildkit/snowflake';
import { StorageErrorCode, StorageUnavailableError } from '@guildkit/storage-adapters';
import { CassandraMessageStore } from '@guildkit/storage-adapters/cassandra';
import { type Client, errors } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { encodeId } from '../../src/internal/cassandra-codec.js';

// The retry policy against a scripted client: which driver errors are retried, for which
// statements, with which waits. No Cassandra needed.

const CHANNEL = '175928847298985984';
const MESSAGE = '1236193417431531520';

interface Call {
  readonly query: string;
  readonly isIdempotent: boolean;
}

/** A client whose `execute` answers from `script` (throwing what it returns when an Error). */
function scriptedClient(script: (query: string, attempt: number) => unknown) {
  const calls: Call[] = [];
  const attempts = new Map<string, number>();
  const client = {
    async execute(query: string, _params: unknown[], options: { isIdempotent: boolean }) {
      calls.push({ query, isIdempotent: options.isIdempotent });
      const attempt = (attempts.get(query) ?? 0) + 1;
      attempts.set(query, attempt);
      const answer = script(query, attempt);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { client: client as unknown as Client, calls };
}

function rows(...values: Record<string, unknown>[]) {
  return {
    rows: values.map((value) => ({ get: (column: string) => value[column] })),
    rowLength: values.length,
  };
}

const messageRow = rows({
  message_id: encodeId(MESSAGE),
  author_id: encodeId('7'),
  content: 'hi',
});

/** Runs every wait at once, recording its length. */
function recordingScheduler(): Scheduler & { readonly waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    setTimeout(fn, ms) {
      waits.push(ms);
      queueMicrotask(fn);
      return () => {};
    },
  };
}

function storeOn(client: Client, scheduler: Scheduler, attempts = 4) {
  return new CassandraMessageStore({
    client,
    scheduler,
    retry: { attempts, backoffMs: 10, maxBackoffMs: 25 },
  });
}

describe('CassandraMessageStore retries', () => {
  it('retries a timed-out read with doubling, capped waits, then reports StorageUnavailableError', async () => {
    const { client, calls } = scriptedClient(
      () =>
        new errors.OperationTimedOutError('The host 127.0.0.1:9042 did not reply before timeout'),
    );
    const scheduler = recordingScheduler();
    const error = await storeOn(client, scheduler)
      .get(CHANNEL, MESSAGE)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toBe(
      'cassandra: get failed after 4 attempt(s): OperationTimedOutError: The host 127.0.0.1:9042 did not reply before timeout',
    );
    expect((error as Error).cause).toBeInstanceOf(errors.OperationTimedOutError);
    expect(calls).toHaveLength(4);
    expect(scheduler.waits).toEqual([10, 20, 25]);
  });

  it('recovers when a retry succeeds', async () => {
    const { client } = scriptedClient((_query, attempt) =>
      attempt < 3 ? new errors.NoHostAvailableError({}) : messageRow,
    );
    await expect(
      storeOn(client, recordingScheduler()).get(CHANNEL, MESSAGE),
    ).resolves.toMatchObject({ id: MESSAGE, authorId: '7', content: 'hi' });
  });

  it('never repeats a counter update whose outcome is unknown (write timeout)', async () => {
    const { client, calls } = scriptedClient((query) => {
      if (query.includes('count = count +'))
        return new errors.ResponseError(0x1100, 'Write timeout');
      if (query.startsWith('SELECT') && query.includes('.messages ')) return messageRow;
      return rows();
    });
    const error = await storeOn(client, recordingScheduler())
      .addReaction(CHANNEL, MESSAGE, '🔥', '5')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: StorageErrorCode.Unavailable });
    expect((error as Error).message).toMatch(/after 1 attempt\(s\)/);
    const counterCalls = calls.filter((call) => call.query.includes('count = count +'));
    expect(counterCalls).toEqual([expect.objectContaining({ isIdempotent: false })]);
  });

  it('repeats a counter update the coordinator refused before applying (Unavailable)', async () => {
    const { client, calls } = scriptedClient((query, attempt) => {
      if (query.includes('count = count +')) {
        return attempt === 1
          ? new errors.ResponseError(0x1000, 'Cannot achieve consistency')
          : rows();
      }
      if (query.startsWith('SELECT') && query.includes('.messages ')) return messageRow;
      return rows();
    });
    await expect(
      storeOn(client, recordingScheduler()).addReaction(CHANNEL, MESSAGE, '🔥', '5'),
    ).resolves.toBe(true);
    expect(calls.filter((call) => call.query.includes('count = count +'))).toHaveLength(2);
  });

  it('does not retry an invalid request', async () => {
    const { client, calls } = scriptedClient(
      () => new errors.ResponseError(0x2200, 'Keyspace guildkit does not exist'),
    );
    await expect(storeOn(client, recordingScheduler()).list(CHANNEL)).rejects.toThrow(
      'cassandra: list failed after 1 attempt(s): ResponseError: Keyspace guildkit does not exist',
    );
    expect(calls).toHaveLength(1);
  });

  it('refuses retry settings out of range', () => {
    const { client } = scriptedClient(() => rows());
    for (const retry of [
      { attempts: 0 },
      { attempts: 1.5 },
      { backoffMs: -1 },
      { maxBackoffMs: Number.NaN },
    ]) {
      expect(() => new CassandraMessageStore({ client, retry })).toThrow(
        expect.objectContaining({ code: StorageErrorCode.InvalidArgument }),
      );
    }
  });
});
