import {
  MemoryWorkerIdLease,
  MemoryWorkerIdRegistry,
  SnowflakeErrorCode,
  SnowflakeGenerator,
} from '@guildkit/snowflake';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

const START = 1700000000000;

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function setup(ttlMs = 30000, safetyMarginMs = 2000) {
  const clock = new ManualClock(START);
  const registry = new MemoryWorkerIdRegistry({ clock });
  const lease = () => new MemoryWorkerIdLease({ registry, ttlMs, safetyMarginMs, clock });
  return { clock, registry, lease };
}

describe('MemoryWorkerIdLease', () => {
  it('gives two nodes on one registry different slots, in slot order', async () => {
    const { lease, registry } = setup();
    const a = lease();
    const b = lease();
    expect(await a.acquire()).toEqual({ workerId: 0, processId: 0 });
    expect(await b.acquire()).toEqual({ workerId: 0, processId: 1 });
    expect(a.state).toBe('held');
    expect(registry.heldCount).toBe(2);
  });

  it('counts validity from the moment acquire was sent, minus the safety margin', async () => {
    const { lease } = setup(30000, 2000);
    const a = lease();
    expect(a.validUntil).toBe(Number.NEGATIVE_INFINITY);
    await a.acquire();
    expect(a.validUntil).toBe(START + 30000 - 2000);
  });

  it('fills all 1024 slots, then rejects with GK_SNOWFLAKE_NO_FREE_SLOT', async () => {
    const { lease } = setup();
    const seen = new Set<string>();
    for (let i = 0; i < 1024; i++) {
      const slot = await lease().acquire();
      seen.add(`${slot.workerId}:${slot.processId}`);
    }
    expect(seen.size).toBe(1024);
    const last = lease();
    expect(await rejectionCode(last.acquire())).toBe(SnowflakeErrorCode.NoFreeSlot);
    expect(last.state).toBe('idle');
  });

  it('frees the slot on release, for the next node to take', async () => {
    const { lease, registry } = setup();
    const a = lease();
    await a.acquire();
    await a.release();
    expect(a.state).toBe('released');
    expect(a.validUntil).toBe(Number.NEGATIVE_INFINITY);
    expect(registry.heldCount).toBe(0);
    expect(await lease().acquire()).toEqual({ workerId: 0, processId: 0 });
  });

  it('extends validity on renew, counted from when the renewal was sent', async () => {
    const { lease, clock } = setup(30000, 2000);
    const a = lease();
    await a.acquire();
    clock.advance(10000);
    await a.renew();
    expect(a.validUntil).toBe(START + 10000 + 28000);
  });

  it('reports lost when its entry expired, even if nobody took the slot', async () => {
    const { lease, clock } = setup(30000, 2000);
    const a = lease();
    await a.acquire();
    clock.advance(30000);
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseLost);
    expect(a.state).toBe('lost');
    expect(a.validUntil).toBe(Number.NEGATIVE_INFINITY);
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseLost);
  });

  it('reports lost when another node took the expired slot, and cannot free its slot', async () => {
    const { lease, clock, registry } = setup(30000, 2000);
    const a = lease();
    const slot = await a.acquire();
    clock.advance(30001);
    const b = lease();
    expect(await b.acquire()).toEqual(slot);
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseLost);
    await a.release();
    expect(registry.heldCount).toBe(1);
    await b.renew();
    expect(b.state).toBe('held');
  });

  it('stops its guarded generator once lost', async () => {
    const { lease, clock } = setup(30000, 2000);
    const a = lease();
    const slot = await a.acquire();
    const generator = new SnowflakeGenerator({ ...slot, clock, lease: a });
    expect(typeof generator.next()).toBe('string');
    clock.advance(30000);
    await a.renew().catch(() => undefined);
    expect(() => generator.next()).toThrowError(
      expect.objectContaining({ code: SnowflakeErrorCode.LeaseLost }),
    );
  });

  it('stops its guarded generator when renewals stop, at validUntil', async () => {
    const { lease, clock } = setup(30000, 2000);
    const a = lease();
    const slot = await a.acquire();
    const generator = new SnowflakeGenerator({ ...slot, clock, lease: a });
    clock.advance(27999);
    generator.next();
    clock.advance(1);
    expect(() => generator.next()).toThrowError(
      expect.objectContaining({ code: SnowflakeErrorCode.LeaseLost }),
    );
  });

  it('is acquired once: a second acquire rejects with GK_SNOWFLAKE_LEASE_ALREADY_ACQUIRED', async () => {
    const { lease } = setup();
    const a = lease();
    const first = a.acquire();
    expect(await rejectionCode(a.acquire())).toBe(SnowflakeErrorCode.LeaseAlreadyAcquired);
    await first;
    await a.release();
    expect(await rejectionCode(a.acquire())).toBe(SnowflakeErrorCode.LeaseAlreadyAcquired);
  });

  it('rejects renew before acquisition and after release with GK_SNOWFLAKE_LEASE_NOT_HELD', async () => {
    const { lease } = setup();
    const a = lease();
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseNotHeld);
    await a.acquire();
    await a.release();
    expect(await rejectionCode(a.renew())).toBe(SnowflakeErrorCode.LeaseNotHeld);
  });

  it('gives back a slot it won after being released mid-acquisition', async () => {
    const { lease, registry } = setup();
    const a = lease();
    const acquiring = a.acquire();
    await a.release();
    expect(await rejectionCode(acquiring)).toBe(SnowflakeErrorCode.LeaseNotHeld);
    expect(registry.heldCount).toBe(0);
  });

  it.each([
    [0, 0],
    [-5, 0],
    [1.5, 0],
    [1000, 1000],
    [1000, -1],
    [1000, Number.NaN],
  ])('rejects ttlMs %s with safetyMarginMs %s', (ttlMs, safetyMarginMs) => {
    const registry = new MemoryWorkerIdRegistry();
    expect(() => new MemoryWorkerIdLease({ registry, ttlMs, safetyMarginMs })).toThrowError(
      expect.objectContaining({ code: SnowflakeErrorCode.InvalidLeaseOptions }),
    );
  });
});
