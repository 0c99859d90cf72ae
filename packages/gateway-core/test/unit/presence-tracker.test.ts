import { ManualScheduler } from '@guildkit/testkit';
import {
  type GatewayPresenceUpdateDispatchData,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { PresenceErrorCode } from '../../src/presence/presence-error.js';
import { MemoryPresenceStore } from '../../src/presence/presence-store.js';
import {
  PresenceTracker,
  type PresenceTrackerOptions,
} from '../../src/presence/presence-tracker.js';
import { presenceDeviceOf } from '../../src/presence/server-presence.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const presence = (status: string, activities: unknown[] = []) => ({
  since: null,
  activities,
  status,
  afk: false,
});

function setup(options: Partial<PresenceTrackerOptions> = {}) {
  const scheduler = new ManualScheduler();
  const store = new MemoryPresenceStore({ clock: scheduler.clock });
  const tracker = new PresenceTracker({
    guildIdsOf: () => ['g1'],
    store,
    clock: scheduler.clock,
    scheduler,
    ...options,
  });
  const batches: [string, GatewayPresenceUpdateDispatchData[]][] = [];
  tracker.on('presenceUpdate', (guildId, updates) => batches.push([guildId, updates]));
  return { scheduler, store, tracker, batches };
}

describe('PresenceTracker', () => {
  it('emits one PRESENCE_UPDATE batch per guild after batchMs', async () => {
    const { scheduler, tracker, batches } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await tracker.connect({ sessionId: 's2', userId: 'u2', device: 'mobile' });
    await settle();
    scheduler.advance(4_999);
    expect(batches).toEqual([]);
    scheduler.advance(1);
    expect(batches).toEqual([
      [
        'g1',
        [
          {
            user: { id: 'u1' },
            guild_id: 'g1',
            status: 'online',
            activities: [],
            client_status: { desktop: 'online' },
          },
          {
            user: { id: 'u2' },
            guild_id: 'g1',
            status: 'online',
            activities: [],
            client_status: { mobile: 'online' },
          },
        ],
      ],
    ]);
  });

  it('reports a throwing presenceUpdate listener as listenerError and keeps flushing', async () => {
    const { scheduler, tracker, batches } = setup();
    const failures: unknown[] = [];
    const boom = new Error('listener failed');
    tracker.once('presenceUpdate', () => {
      throw boom;
    });
    tracker.on('listenerError', (error) => failures.push(error));
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await settle();
    scheduler.advance(5_000);
    expect(failures).toEqual([boom]);
    await tracker.connect({ sessionId: 's2', userId: 'u2', device: 'web' });
    await settle();
    scheduler.advance(5_000);
    expect(batches.map(([, updates]) => updates.map((update) => update.user.id))).toEqual([
      ['u1'],
      ['u2'],
    ]);
  });

  it('produces nothing for a user who flaps online -> offline -> online inside one batch', async () => {
    const { scheduler, tracker, batches } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await settle();
    scheduler.advance(5_000);
    expect(batches).toHaveLength(1);
    await tracker.disconnect('s1');
    await settle();
    scheduler.advance(1_000);
    await tracker.connect({ sessionId: 's2', userId: 'u1', device: 'desktop' });
    await settle();
    scheduler.advance(10_000);
    expect(batches).toHaveLength(1);
  });

  it('aggregates devices and reports the last session leaving as offline', async () => {
    const { scheduler, tracker, batches } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await tracker.connect({ sessionId: 's2', userId: 'u1', device: 'mobile' });
    await tracker.updateFromClient('s1', presence('idle'));
    await settle();
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1]).toEqual([
      expect.objectContaining({
        status: 'online',
        client_status: { desktop: 'idle', mobile: 'online' },
      }),
    ]);
    await tracker.disconnect('s2');
    await settle();
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1]).toEqual([
      expect.objectContaining({ status: 'idle', client_status: { desktop: 'idle' } }),
    ]);
    await tracker.disconnect('s1');
    await settle();
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1]).toEqual([
      { user: { id: 'u1' }, guild_id: 'g1', status: 'offline', activities: [], client_status: {} },
    ]);
  });

  it('shows an invisible user as offline with empty client_status and hides activities', async () => {
    const { scheduler, tracker, batches } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await settle();
    scheduler.advance(5_000);
    await tracker.updateFromClient('s1', presence('invisible', [{ name: 'Secret', type: 0 }]));
    await settle();
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1]).toEqual([
      { user: { id: 'u1' }, guild_id: 'g1', status: 'offline', activities: [], client_status: {} },
    ]);
    expect(await tracker.presenceOf('u1')).toEqual({
      status: 'offline',
      activities: [],
      client_status: {},
    });
  });

  it('publishes activities with an id and a created_at kept while the activity stays', async () => {
    const { scheduler, tracker, batches } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'web' });
    await tracker.updateFromClient('s1', presence('online', [{ name: 'Chess', type: 0 }]));
    const first = (await tracker.presenceOf('u1')).activities[0];
    expect(first).toMatchObject({ name: 'Chess', type: 0, created_at: 0 });
    expect(typeof first?.id).toBe('string');
    scheduler.advance(20_000);
    await tracker.updateFromClient('s1', presence('dnd', [{ name: 'Chess', type: 0 }]));
    expect((await tracker.presenceOf('u1')).activities[0]).toEqual(first);
    await settle();
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1][0]).toMatchObject({ status: 'dnd', activities: [first] });
  });

  it('expires a session silent for ttlMs and reports its device removed', async () => {
    const { scheduler, tracker, batches } = setup({ ttlMs: 30_000 });
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await tracker.connect({ sessionId: 's2', userId: 'u1', device: 'mobile' });
    await settle();
    scheduler.advance(5_000);
    for (let t = 5_000; t < 60_000; t += 10_000) {
      await tracker.touch('s1');
      scheduler.advance(10_000);
      await settle();
    }
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1]).toEqual([
      expect.objectContaining({ status: 'online', client_status: { desktop: 'online' } }),
    ]);
    scheduler.advance(40_000);
    await settle();
    scheduler.advance(5_000);
    expect(batches.at(-1)?.[1]).toEqual([
      expect.objectContaining({ status: 'offline', client_status: {} }),
    ]);
  });

  it('flushes a guild with its own shorter interval', async () => {
    const { scheduler, tracker, batches } = setup({ guildIdsOf: () => ['big', 'small'] });
    tracker.setGuildBatchMs('big', 500);
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await settle();
    scheduler.advance(500);
    expect(batches.map(([guildId]) => guildId)).toEqual(['big']);
    scheduler.advance(4_500);
    expect(batches.map(([guildId]) => guildId)).toEqual(['big', 'small']);
    tracker.setGuildBatchMs('big', undefined);
    await tracker.updateFromClient('s1', presence('dnd'));
    await settle();
    scheduler.advance(4_999);
    expect(batches).toHaveLength(2);
    scheduler.advance(1);
    expect(batches.map(([guildId]) => guildId)).toEqual(['big', 'small', 'big', 'small']);
  });

  it('rate-limits PRESENCE_UPDATE to 5 per 60 s per session with close code 4008', async () => {
    const { scheduler, tracker } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    for (let i = 0; i < 5; i++) {
      expect(await tracker.updateFromClient('s1', presence('online'))).toEqual({ ok: true });
    }
    const limited = await tracker.updateFromClient('s1', presence('online'));
    expect(limited.ok === false && [limited.error.code, limited.error.closeCode]).toEqual([
      PresenceErrorCode.PresenceRateLimited,
      4008,
    ]);
    scheduler.advance(60_000);
    expect(await tracker.updateFromClient('s1', presence('online'))).toEqual({ ok: true });
  });

  it('answers an invalid payload with 4001 and an unknown session with 4003, changing nothing', async () => {
    const { tracker } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    const invalid = await tracker.updateFromClient('s1', { status: 'online' });
    expect(invalid.ok === false && invalid.error.closeCode).toBe(4001);
    expect((await tracker.presenceOf('u1')).status).toBe('online');
    const unknown = await tracker.updateFromClient('nope', presence('online'));
    expect(unknown.ok === false && [unknown.error.code, unknown.error.closeCode]).toEqual([
      PresenceErrorCode.UnknownSession,
      4003,
    ]);
  });

  it('throttles typing through typingStart', () => {
    const { scheduler, tracker } = setup({ typingIntervalMs: 5_000 });
    expect(tracker.typingStart('u1', 'c1')).toBe(true);
    expect(tracker.typingStart('u1', 'c1')).toBe(false);
    scheduler.advance(5_000);
    expect(tracker.typingStart('u1', 'c1')).toBe(true);
  });

  it('rejects with GK_GATEWAY_PRESENCE_STORE_FAILED (close 4000) when the store fails', async () => {
    const scheduler = new ManualScheduler();
    const store = new MemoryPresenceStore({ clock: scheduler.clock });
    store.put = () => Promise.reject(new Error('down'));
    const tracker = new PresenceTracker({
      guildIdsOf: () => [],
      store,
      clock: scheduler.clock,
      scheduler,
    });
    await expect(
      tracker.connect({ sessionId: 's', userId: 'u', device: 'web' }),
    ).rejects.toMatchObject({
      code: PresenceErrorCode.StoreFailed,
      closeCode: 4000,
      cause: new Error('down'),
    });
  });

  it('emits nothing and holds no timer after close()', async () => {
    const { scheduler, tracker, batches } = setup();
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await settle();
    tracker.close();
    expect(scheduler.pendingCount).toBe(0);
    scheduler.advance(10_000);
    expect(batches).toEqual([]);
  });

  it('rejects non-positive durations with GK_GATEWAY_INVALID_OPTION', () => {
    expect(() => setup({ batchMs: 0 })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }),
    );
    expect(() => setup({ ttlMs: -1 })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }),
    );
    expect(() => setup({ presenceLimit: 0 })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }),
    );
  });
});

describe('PresenceTracker.resume and release (a session moving between nodes)', () => {
  it('a second tracker on the same store adopts the stored presence of a resumed session', async () => {
    const { scheduler, store, tracker: nodeA } = setup();
    const nodeB = new PresenceTracker({
      guildIdsOf: () => ['g1'],
      store,
      clock: scheduler.clock,
      scheduler,
    });
    await nodeA.connect({
      sessionId: 's1',
      userId: 'u1',
      device: 'mobile',
      presence: {
        status: PresenceUpdateStatus.DoNotDisturb,
        activities: [],
        afk: false,
        since: null,
      },
    });
    expect(nodeA.release('s1')).toBe(true);
    expect(await nodeA.touch('s1')).toBe(false);
    expect((await store.sessions('u1')).map((entry) => entry.presence.status)).toEqual(['dnd']);

    expect(await nodeB.resume('s1', 'u1')).toBe(true);
    expect(await nodeB.presenceOf('u1')).toMatchObject({
      status: 'dnd',
      client_status: { mobile: 'dnd' },
    });
    expect(await nodeB.updateFromClient('s1', presence('idle'))).toEqual({ ok: true });
    expect(await nodeB.presenceOf('u1')).toMatchObject({ client_status: { mobile: 'idle' } });
  });

  it('a session whose entry expired comes back online on the given device', async () => {
    const { scheduler, store, tracker } = setup({ ttlMs: 1_000 });
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    tracker.release('s1');
    scheduler.advance(1_001);
    expect(await store.sessions('u1')).toEqual([]);
    expect(await tracker.resume('s1', 'u1', 'desktop')).toBe(false);
    expect(await tracker.presenceOf('u1')).toMatchObject({ client_status: { desktop: 'online' } });
  });
});

describe('presenceDeviceOf', () => {
  it.each([
    ['Discord iOS', 'mobile'],
    ['Discord Android', 'mobile'],
    ['Discord Client', 'desktop'],
    ['Chrome', 'web'],
    ['discord.js', 'web'],
  ])('browser %s shows under %s', (browser, device) => {
    expect(presenceDeviceOf({ os: 'x', browser, device: 'y' })).toBe(device);
  });
});
