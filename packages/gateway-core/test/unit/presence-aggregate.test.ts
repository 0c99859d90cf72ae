import { describe, expect, it } from 'vitest';
import { aggregatePresence, visiblePresenceEquals } from '../../src/presence/aggregate-presence.js';
import {
  OFFLINE_PRESENCE,
  type PresenceDevice,
  type SessionPresence,
  type SessionStatus,
} from '../../src/presence/presence-types.js';

let next = 0;
function session(
  device: PresenceDevice,
  status: `${SessionStatus}`,
  activities: string[] = [],
): SessionPresence {
  next += 1;
  return {
    sessionId: `s${next}`,
    userId: 'u',
    device,
    status: status as SessionStatus,
    activities: activities.map((name) => ({ id: name, name, type: 0, created_at: 1 })),
    afk: false,
    since: null,
    connectedAt: next,
  };
}

describe('aggregatePresence', () => {
  it('is offline with no session', () => {
    expect(aggregatePresence([])).toBe(OFFLINE_PRESENCE);
  });

  it.each([
    [['online'], 'online'],
    [['idle'], 'idle'],
    [['dnd'], 'dnd'],
    [['idle', 'online'], 'online'],
    [['online', 'idle'], 'online'],
    [['online', 'dnd'], 'dnd'],
    [['idle', 'dnd'], 'dnd'],
    [['idle', 'idle'], 'idle'],
    [['dnd', 'online', 'idle'], 'dnd'],
    [['online', 'invisible'], 'offline'],
    [['dnd', 'invisible', 'idle'], 'offline'],
    [['invisible'], 'offline'],
  ] as const)('folds %j into %s', (statuses, expected) => {
    const devices: PresenceDevice[] = ['desktop', 'mobile', 'web'];
    const sessions = statuses.map((status, i) => session(devices[i]!, status));
    expect(aggregatePresence(sessions).status).toBe(expected);
  });

  it('reports each platform with its strongest session and omits absent platforms', () => {
    const visible = aggregatePresence([
      session('desktop', 'idle'),
      session('desktop', 'online'),
      session('mobile', 'idle'),
    ]);
    expect(visible).toEqual({
      status: 'online',
      activities: [],
      client_status: { desktop: 'online', mobile: 'idle' },
    });
  });

  it('shows an invisible user as offline with an empty client_status and no activities', () => {
    const visible = aggregatePresence([
      session('desktop', 'online', ['Game']),
      session('mobile', 'invisible'),
    ]);
    expect(visible).toEqual({ status: 'offline', activities: [], client_status: {} });
  });

  it('merges activities oldest session first, without repeating a (type, name)', () => {
    const visible = aggregatePresence([
      session('mobile', 'online', ['Custom', 'Music']),
      session('desktop', 'online', ['Custom', 'Game']),
    ]);
    expect(visible.activities.map((activity) => activity.name)).toEqual([
      'Custom',
      'Music',
      'Game',
    ]);
  });

  it('does not depend on the order sessions are listed in', () => {
    const sessions = [
      session('web', 'idle', ['A']),
      session('desktop', 'dnd', ['B']),
      session('mobile', 'online', ['C']),
    ];
    expect(aggregatePresence([...sessions].reverse())).toEqual(aggregatePresence(sessions));
  });
});

describe('visiblePresenceEquals', () => {
  it('compares status, client_status and activities', () => {
    const a = aggregatePresence([session('desktop', 'online', ['A'])]);
    const same = aggregatePresence([session('desktop', 'online', ['A'])]);
    expect(visiblePresenceEquals(a, same)).toBe(true);
    expect(visiblePresenceEquals(a, aggregatePresence([session('web', 'online', ['A'])]))).toBe(
      false,
    );
    expect(visiblePresenceEquals(a, aggregatePresence([session('desktop', 'idle', ['A'])]))).toBe(
      false,
    );
    expect(visiblePresenceEquals(a, aggregatePresence([session('desktop', 'online', ['B'])]))).toBe(
      false,
    );
    expect(
      visiblePresenceEquals(OFFLINE_PRESENCE, {
        status: OFFLINE_PRESENCE.status,
        activities: [],
        client_status: {},
      }),
    ).toBe(true);
  });
});
