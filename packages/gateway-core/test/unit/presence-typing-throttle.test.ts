import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { TypingThrottle } from '../../src/presence/typing-throttle.js';

describe('TypingThrottle', () => {
  it('emits at most one TYPING_START per user per channel per 5 s', () => {
    const clock = new ManualClock(1_000);
    const typing = new TypingThrottle({ clock });
    expect(typing.typingStart('u1', 'c1')).toBe(true);
    clock.advance(4_999);
    expect(typing.typingStart('u1', 'c1')).toBe(false);
    clock.advance(1);
    expect(typing.typingStart('u1', 'c1')).toBe(true);
  });

  it('throttles each user and channel pair on its own', () => {
    const clock = new ManualClock();
    const typing = new TypingThrottle({ clock });
    expect(typing.typingStart('u1', 'c1')).toBe(true);
    expect(typing.typingStart('u1', 'c2')).toBe(true);
    expect(typing.typingStart('u2', 'c1')).toBe(true);
    expect(typing.typingStart('u1', 'c1')).toBe(false);
  });

  it('measures the interval from the last emitted event, not the last trigger', () => {
    const clock = new ManualClock();
    const typing = new TypingThrottle({ clock, intervalMs: 1_000 });
    expect(typing.typingStart('u', 'c')).toBe(true);
    clock.advance(600);
    expect(typing.typingStart('u', 'c')).toBe(false);
    clock.advance(400);
    expect(typing.typingStart('u', 'c')).toBe(true);
  });

  it('keeps throttling correctly across sweeps of old entries', () => {
    const clock = new ManualClock();
    const typing = new TypingThrottle({ clock, intervalMs: 100 });
    for (let i = 0; i < 50; i++) expect(typing.typingStart(`u${i}`, 'c')).toBe(true);
    clock.advance(150);
    expect(typing.typingStart('u0', 'c')).toBe(true);
    clock.advance(50);
    expect(typing.typingStart('u0', 'c')).toBe(false);
  });

  it('rejects a negative interval with GK_GATEWAY_INVALID_OPTION', () => {
    expect(() => new TypingThrottle({ intervalMs: -1 })).toThrow(
      expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }),
    );
  });
});
