import { describe, expect, it } from 'vitest';
import { PresenceError, PresenceErrorCode } from '../../src/presence/presence-error.js';
import {
  PRESENCE_UPDATE_LIMITS,
  validatePresenceUpdate,
} from '../../src/presence/validate-presence-update.js';

const valid = { since: null, activities: [], status: 'online', afk: false };

function rejection(d: unknown): PresenceError {
  const result = validatePresenceUpdate(d);
  if (result.ok) throw new Error('expected a rejection');
  return result.error;
}

describe('validatePresenceUpdate', () => {
  it("accepts Discord's documented example and keeps only the documented activity fields", () => {
    const result = validatePresenceUpdate({
      since: 91879201,
      activities: [{ name: 'Save the Oxford Comma', type: 0, secrets: { join: 'x' } }],
      status: 'online',
      afk: false,
    });
    expect(result).toEqual({
      ok: true,
      presence: {
        since: 91879201,
        activities: [{ name: 'Save the Oxford Comma', type: 0 }],
        status: 'online',
        afk: false,
      },
    });
  });

  it('stores a client-sent offline as invisible', () => {
    const result = validatePresenceUpdate({ ...valid, status: 'offline' });
    expect(result.ok && result.presence.status).toBe('invisible');
  });

  it('keeps url and state, including null', () => {
    const activity = { name: 'Stream', type: 1, url: 'https://twitch.tv/x', state: null };
    const result = validatePresenceUpdate({ ...valid, activities: [activity] });
    expect(result.ok && result.presence.activities).toEqual([activity]);
  });

  it.each([
    ['a non-object', 'online'],
    ['a missing since', { activities: [], status: 'online', afk: false }],
    ['a negative since', { ...valid, since: -1 }],
    ['a fractional since', { ...valid, since: 1.5 }],
    ['an unknown status', { ...valid, status: 'away' }],
    ['a missing afk', { since: null, activities: [], status: 'online' }],
    ['activities that are not an array', { ...valid, activities: {} }],
    ['an activity without a name', { ...valid, activities: [{ type: 0 }] }],
    ['an empty activity name', { ...valid, activities: [{ name: '', type: 0 }] }],
    ['an unknown activity type', { ...valid, activities: [{ name: 'x', type: 99 }] }],
    ['a non-http url', { ...valid, activities: [{ name: 'x', type: 1, url: 'ftp://x' }] }],
    ['a numeric state', { ...valid, activities: [{ name: 'x', type: 0, state: 5 }] }],
    [
      'a name over 128 characters',
      {
        ...valid,
        activities: [{ name: 'n'.repeat(PRESENCE_UPDATE_LIMITS.maxNameLength + 1), type: 0 }],
      },
    ],
    [
      'a state over 128 characters',
      { ...valid, activities: [{ name: 'x', type: 4, state: 's'.repeat(129) }] },
    ],
    [
      'a url over 512 characters',
      { ...valid, activities: [{ name: 'x', type: 1, url: `https://${'u'.repeat(505)}` }] },
    ],
    [
      'more than 10 activities',
      { ...valid, activities: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, type: 0 })) },
    ],
  ])('rejects %s with GK_GATEWAY_INVALID_PRESENCE and close code 4001', (_, d) => {
    const error = rejection(d);
    expect(error).toBeInstanceOf(PresenceError);
    expect(error.code).toBe(PresenceErrorCode.InvalidPresence);
    expect(error.closeCode).toBe(4001);
  });

  it('accepts exactly the limits', () => {
    const result = validatePresenceUpdate({
      ...valid,
      activities: Array.from({ length: PRESENCE_UPDATE_LIMITS.maxActivities }, (_, i) => ({
        name: i === 0 ? 'n'.repeat(128) : `a${i}`,
        type: 1,
        url: `https://${'u'.repeat(504)}`,
        state: 's'.repeat(128),
      })),
    });
    expect(result.ok).toBe(true);
  });

  it('never throws, whatever the input', () => {
    for (const d of [null, undefined, 0, [], { since: {} }, { ...valid, activities: [null] }]) {
      expect(() => validatePresenceUpdate(d)).not.toThrow();
      expect(validatePresenceUpdate(d).ok).toBe(false);
    }
  });
});
