import { randomUUID } from 'node:crypto';
import {
  LeaseRenewer,
  type SnowflakeError,
  SnowflakeErrorCode,
  SnowflakeGenerator,
} from '@guildkit/snowflake';
import { RedisWorkerIdLease } from '@guildkit/snowflake/redis';
import { ManualScheduler, REDIS, requireService } from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const available = await requireService(REDIS);

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe.skipIf(!available)('RedisWorkerIdLease against the local Redis', () => {
  const runPrefix = `guildkit-test:snowflake:${randomUUID()}:`;
  let client: Redis;
  let testIndex = 0;
  let keyPrefix = '';

  const lease = (ttlMs = 30000) =>
    new RedisWorkerIdLease({ client, keyPrefix, ttlMs, safetyMarginMs: 1000 });

  async function cleanUp(): Promise<void> {
    const keys = await client.keys(`${runPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
  }

  beforeAll(() => {
    client = new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: false });
  });

  beforeEach(() => {
    testIndex += 1;
    keyPrefix = `${runPrefix}${testIndex}:`;
  });

  afterEach(cleanUp);

  afterAll(async () => {
    await cleanUp();
    await client.quit();
  });

  it('claims a slot with a key holding its token and the TTL', async () => {
    const a = lease(30000);
    const slot = await a.acquire();
    expect(slot).toEqual({ workerId: 0, processId: 0 });
    expect(a.state).toBe('held');
    const ttl = await client.pttl(`${keyPrefix}0:0`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30000);
  });

  it('never lets two leases hold the same slot', async () => {
    const leases = Array.from({ length: 8 }, () => lease());
    const slots = await Promise.all(leases.map((each) => each.acquire()));
    const keys = new Set(slots.map((slot) => `${slot.workerId}:${slot.processId}`));
    expect(keys.size).toBe(8);
    const stored = await client.keys(`${keyPrefix}*`);
    expect(stored).toHaveLength(8);
  });

  it('rejects with GK_SNOWFLAKE_NO_FREE_SLOT when all 1024 slots are taken', async () => {
    const pipeline = client.pipeline();
    for (let workerId = 0; workerId < 32; workerId++) {
      for (let processId = 0; processId < 32; processId++) {
        pipeline.set(`${keyPrefix}${workerId}:${processId}`, 'someone-else', 'PX', 30000);
      }
    }
    await pipeline.exec();
    expect(await rejectionCode(lease().acquire())).toBe(SnowflakeErrorCode.NoFreeSlot);
  });

  it('extends the key on renew', async () => {
    const a = lease(30000);
    await a.acquire();
    await client.pexpire(`${keyPrefix}0:0`, 5000);
    await a.renew();
    expect(await client.pttl(`${keyPrefix}0:0`)).toBeGreaterThan(5000);
    expect(a.state).toBe('held');
  });

  it('reports lost when its key expired, and its guarded generator throws', async () => {
    const a = lease();
    const slot = await a.acquire();
    const generator = new SnowflakeGenerator({ ...slot, lease: a });
    expect(typeof generator.next()).toBe('string');
    await client.del(`${keyPrefix}0:0`);
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseLost);
    expect(a.state).toBe('lost');
    expect(() => generator.next()).toThrowError(
      expect.objectContaining({ code: SnowflakeErrorCode.LeaseLost }),
    );
  });

  it('reports lost when another token holds its key, and never extends or deletes it', async () => {
    const a = lease();
    await a.acquire();
    await client.set(`${keyPrefix}0:0`, 'thief', 'PX', 4000);
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseLost);
    expect(await client.pttl(`${keyPrefix}0:0`)).toBeLessThanOrEqual(4000);
    await a.release();
    expect(await client.get(`${keyPrefix}0:0`)).toBe('thief');
  });

  it('frees the slot on release for another lease to take', async () => {
    const a = lease();
    await a.acquire();
    await a.release();
    expect(await client.exists(`${keyPrefix}0:0`)).toBe(0);
    expect(await lease().acquire()).toEqual({ workerId: 0, processId: 0 });
  });

  it('is kept by a LeaseRenewer, which reports the loss when the key is stolen', async () => {
    const scheduler = new ManualScheduler();
    const a = lease(30000);
    await a.acquire();
    const lost: SnowflakeError[] = [];
    const renewer = new LeaseRenewer(a, { scheduler, onLost: (error) => lost.push(error) });
    renewer.start();
    await client.pexpire(`${keyPrefix}0:0`, 5000);
    scheduler.advance(10000);
    await waitUntil(() => renewer.running && scheduler.pendingCount === 1);
    expect(await client.pttl(`${keyPrefix}0:0`)).toBeGreaterThan(5000);
    await client.set(`${keyPrefix}0:0`, 'thief');
    scheduler.advance(10000);
    await waitUntil(() => !renewer.running);
    expect(lost.map((error) => error.code)).toEqual([SnowflakeErrorCode.LeaseLost]);
    expect(a.state).toBe('lost');
  });

  it('rejects with GK_SNOWFLAKE_LEASE_STORE_FAILED when Redis is unreachable', async () => {
    const broken = new Redis({
      host: REDIS.host,
      port: REDIS.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const a = new RedisWorkerIdLease({ client: broken, keyPrefix });
    expect(await rejectionCode(a.acquire())).toBe(SnowflakeErrorCode.LeaseStoreFailed);
    expect(a.state).toBe('idle');
    broken.disconnect();
  });

  /** Polls a condition across Redis round trips (no timing assertion: only progress). */
  async function waitUntil(condition: () => boolean): Promise<void> {
    for (let attempt = 0; attempt < 1000 && !condition(); attempt++) await settle();
    expect(condition()).toBe(true);
  }
});
