import {
  IdentifyQueue,
  identifyBucket,
  ShardingError,
  ShardingErrorCode,
} from '@guildkit/sharding';
import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

/** Lets every promise reaction that is ready run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setup(maxConcurrency: number, intervalMs?: number) {
  const scheduler = new ManualScheduler();
  const queue = new IdentifyQueue({
    maxConcurrency,
    clock: scheduler.clock,
    scheduler,
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
  const turns: { shardId: number; atMs: number }[] = [];
  const wait = (shardId: number, signal?: AbortSignal): Promise<void> =>
    queue
      .waitForTurn(shardId, signal === undefined ? {} : { signal })
      .then(() => void turns.push({ shardId, atMs: scheduler.clock.now() }));
  return { scheduler, queue, turns, wait };
}

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof ShardingError ? error.code : undefined;
  }
  return undefined;
}

describe('identifyBucket', () => {
  it('is shard_id % max_concurrency', () => {
    expect(identifyBucket(0, 1)).toBe(0);
    expect(identifyBucket(5, 1)).toBe(0);
    expect(identifyBucket(15, 16)).toBe(15);
    expect(identifyBucket(16, 16)).toBe(0);
    expect(identifyBucket(17, 16)).toBe(1);
  });

  it('rejects a bad shard id or max concurrency with their codes', () => {
    expect(() => identifyBucket(-1, 16)).toThrow(
      expect.objectContaining({ code: ShardingErrorCode.InvalidShardId }),
    );
    expect(() => identifyBucket(1, 0)).toThrow(
      expect.objectContaining({ code: ShardingErrorCode.InvalidMaxConcurrency }),
    );
  });
});

describe('IdentifyQueue', () => {
  it('gives the first shard of a bucket its turn at once', async () => {
    const { turns, wait } = setup(1);
    void wait(0);
    await settle();
    expect(turns).toEqual([{ shardId: 0, atMs: 0 }]);
  });

  it('serves one bucket first come, first served, 5 s apart', async () => {
    const { scheduler, turns, wait } = setup(1);
    for (const shardId of [4, 2, 9]) void wait(shardId);
    await settle();
    scheduler.advance(4_999);
    await settle();
    expect(turns.map((turn) => turn.shardId)).toEqual([4]);
    scheduler.advance(1);
    await settle();
    scheduler.advance(5_000);
    await settle();
    expect(turns).toEqual([
      { shardId: 4, atMs: 0 },
      { shardId: 2, atMs: 5_000 },
      { shardId: 9, atMs: 10_000 },
    ]);
  });

  it('lets different buckets identify at the same time', async () => {
    const { scheduler, turns, wait } = setup(2);
    for (const shardId of [0, 1, 2, 3]) void wait(shardId);
    await settle();
    expect(turns).toEqual([
      { shardId: 0, atMs: 0 },
      { shardId: 1, atMs: 0 },
    ]);
    scheduler.advance(5_000);
    await settle();
    expect(turns.slice(2)).toEqual([
      { shardId: 2, atMs: 5_000 },
      { shardId: 3, atMs: 5_000 },
    ]);
  });

  it('spaces turns from the previous turn, not from the arrival', async () => {
    const { scheduler, turns, wait } = setup(1);
    void wait(0);
    await settle();
    scheduler.advance(3_000);
    void wait(1);
    await settle();
    scheduler.advance(1_999);
    await settle();
    expect(turns).toHaveLength(1);
    scheduler.advance(1);
    await settle();
    expect(turns[1]).toEqual({ shardId: 1, atMs: 5_000 });
    scheduler.advance(9_000);
    void wait(2);
    await settle();
    expect(turns[2]).toEqual({ shardId: 2, atMs: 14_000 });
  });

  it('honours a configured interval', async () => {
    const { scheduler, turns, wait } = setup(1, 250);
    for (const shardId of [0, 1, 2]) void wait(shardId);
    for (let step = 0; step < 2; step++) {
      await settle();
      scheduler.advance(250);
    }
    await settle();
    expect(turns.map((turn) => turn.atMs)).toEqual([0, 250, 500]);
  });

  it('rejects an aborted wait with GK_SHARDING_ABORTED and keeps the others in order', async () => {
    const { scheduler, turns, wait } = setup(1);
    void wait(0);
    const controller = new AbortController();
    const aborted = wait(1, controller.signal);
    void wait(2);
    controller.abort(new Error('shutting down shard 1'));
    expect(await rejectionCode(aborted)).toBe(ShardingErrorCode.Aborted);
    await aborted.catch((error: ShardingError) => {
      expect((error.cause as Error).message).toBe('shutting down shard 1');
    });
    scheduler.advance(5_000);
    await settle();
    expect(turns).toEqual([
      { shardId: 0, atMs: 0 },
      { shardId: 2, atMs: 5_000 },
    ]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { turns, wait } = setup(1);
    expect(await rejectionCode(wait(0, AbortSignal.abort()))).toBe(ShardingErrorCode.Aborted);
    void wait(1);
    await settle();
    expect(turns).toEqual([{ shardId: 1, atMs: 0 }]);
  });

  it('ignores an abort that comes after the turn was given', async () => {
    const { turns, wait } = setup(1);
    const controller = new AbortController();
    const granted = wait(0, controller.signal);
    await settle();
    controller.abort();
    await expect(granted).resolves.toBeUndefined();
    expect(turns).toHaveLength(1);
  });

  it('cancels its timer when the last waiter of a bucket aborts', async () => {
    const { scheduler, wait } = setup(1);
    void wait(0);
    const controller = new AbortController();
    const pending = wait(1, controller.signal);
    expect(scheduler.pendingCount).toBe(1);
    controller.abort();
    await pending.catch(() => undefined);
    expect(scheduler.pendingCount).toBe(0);
  });

  it('rejects pending and later waits with GK_SHARDING_QUEUE_CLOSED once closed', async () => {
    const { scheduler, queue, turns, wait } = setup(1);
    void wait(0);
    const pending = [wait(1), wait(2)];
    queue.close();
    queue.close();
    for (const promise of pending) {
      expect(await rejectionCode(promise)).toBe(ShardingErrorCode.QueueClosed);
    }
    expect(await rejectionCode(wait(3))).toBe(ShardingErrorCode.QueueClosed);
    expect(scheduler.pendingCount).toBe(0);
    expect(turns).toHaveLength(1);
  });

  it('rejects a shard id outside [0, 2^32) with GK_SHARDING_INVALID_SHARD_ID', async () => {
    const { wait } = setup(1);
    expect(await rejectionCode(wait(-1))).toBe(ShardingErrorCode.InvalidShardId);
    expect(await rejectionCode(wait(0.5))).toBe(ShardingErrorCode.InvalidShardId);
  });

  it('rejects invalid options when constructed', () => {
    expect(() => new IdentifyQueue({ maxConcurrency: 0 })).toThrow(
      expect.objectContaining({ code: ShardingErrorCode.InvalidMaxConcurrency }),
    );
    expect(() => new IdentifyQueue({ maxConcurrency: 1, intervalMs: -1 })).toThrow(
      expect.objectContaining({ code: ShardingErrorCode.InvalidOption }),
    );
  });

  it('runs on the system clock and timers by default', async () => {
    const queue = new IdentifyQueue({ maxConcurrency: 1, intervalMs: 1 });
    await queue.waitForTurn(0);
    await queue.waitForTurn(0);
    queue.close();
  });
});
