import {
  LeaseRenewer,
  MemoryWorkerIdLease,
  MemoryWorkerIdRegistry,
  type SnowflakeError,
  SnowflakeErrorCode,
  type WorkerIdLease,
} from '@guildkit/snowflake';
import { ManualClock, ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

const START = 1700000000000;

/** Lets the promise callbacks of a renewal run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function setup() {
  const scheduler = new ManualScheduler();
  scheduler.clock.set(START);
  const registryClock = new ManualClock(START);
  const registry = new MemoryWorkerIdRegistry({ clock: registryClock });
  const lease = new MemoryWorkerIdLease({
    registry,
    ttlMs: 30000,
    safetyMarginMs: 2000,
    clock: scheduler.clock,
  });
  await lease.acquire();
  return { scheduler, registryClock, registry, lease };
}

describe('LeaseRenewer', () => {
  it('renews every third of the TTL by default, keeping the lease valid', async () => {
    const { scheduler, lease } = await setup();
    const renewer = new LeaseRenewer(lease, { scheduler });
    expect(renewer.renewEveryMs).toBe(10000);
    renewer.start();
    for (let round = 1; round <= 5; round++) {
      scheduler.advance(10000);
      await settle();
      expect(lease.validUntil).toBe(START + round * 10000 + 28000);
    }
    expect(lease.state).toBe('held');
    expect(renewer.running).toBe(true);
    renewer.stop();
    expect(scheduler.pendingCount).toBe(0);
  });

  it('records the loss, calls onLost once and stops when a renewal finds the slot gone', async () => {
    const { scheduler, registryClock, registry, lease } = await setup();
    const lost: SnowflakeError[] = [];
    const renewer = new LeaseRenewer(lease, { scheduler, onLost: (error) => lost.push(error) });
    renewer.start();
    // The store's own clock runs past the TTL (e.g. the process was paused): the key expires.
    registryClock.advance(30000);
    scheduler.advance(10000);
    await settle();
    expect(lease.state).toBe('lost');
    expect(lease.validUntil).toBe(Number.NEGATIVE_INFINITY);
    expect(renewer.lostError?.code).toBe(SnowflakeErrorCode.LeaseLost);
    expect(lost.map((error) => error.code)).toEqual([SnowflakeErrorCode.LeaseLost]);
    expect(renewer.running).toBe(false);
    expect(scheduler.pendingCount).toBe(0);
    expect(registry.heldCount).toBe(0);
  });

  it('contains a throwing onLost callback and still records the loss', async () => {
    const { scheduler, registryClock, lease } = await setup();
    const renewer = new LeaseRenewer(lease, {
      scheduler,
      onLost: () => {
        throw new Error('listener bug');
      },
    });
    renewer.start();
    registryClock.advance(30000);
    scheduler.advance(10000);
    await settle();
    expect(renewer.lostError?.code).toBe(SnowflakeErrorCode.LeaseLost);
  });

  it('stops quietly when the lease is released', async () => {
    const { scheduler, lease } = await setup();
    const lost: SnowflakeError[] = [];
    const renewer = new LeaseRenewer(lease, { scheduler, onLost: (error) => lost.push(error) });
    renewer.start();
    await lease.release();
    scheduler.advance(10000);
    await settle();
    expect(renewer.running).toBe(false);
    expect(renewer.lostError).toBeUndefined();
    expect(lost).toEqual([]);
  });

  it('schedules nothing after stop()', async () => {
    const { scheduler, lease } = await setup();
    const renewer = new LeaseRenewer(lease, { scheduler });
    renewer.start();
    renewer.start();
    expect(scheduler.pendingCount).toBe(1);
    renewer.stop();
    expect(scheduler.pendingCount).toBe(0);
  });

  it.each([0, -1, 30000, Number.NaN])('rejects renewEveryMs %s', async (renewEveryMs) => {
    const { lease } = await setup();
    expect(() => new LeaseRenewer(lease satisfies WorkerIdLease, { renewEveryMs })).toThrowError(
      expect.objectContaining({ code: SnowflakeErrorCode.InvalidLeaseOptions }),
    );
  });
});
