import { fc, test } from '@fast-check/vitest';
import { ReplayBuffer } from '@guildkit/gateway-core';
import { expect } from 'vitest';

/** The naive model: every frame ever pushed, in a plain array; the window is its tail. */
function naiveSince(
  all: readonly string[],
  capacity: number,
  lastSeq: number,
): string[] | undefined {
  const last = all.length;
  const oldestKept = Math.max(1, last - capacity + 1);
  if (!Number.isInteger(lastSeq) || lastSeq > last || lastSeq < oldestKept - 1) return undefined;
  return all.slice(lastSeq);
}

test.prop([
  fc.integer({ min: 1, max: 50 }),
  fc.array(fc.oneof(fc.constant('push' as const), fc.integer({ min: -5, max: 250 })), {
    maxLength: 300,
  }),
])('since() agrees with a naive array model after any interleaving', (capacity, commands) => {
  const buffer = new ReplayBuffer({ capacity });
  const all: string[] = [];
  for (const command of commands) {
    if (command === 'push') {
      const seq = all.length + 1;
      const frame = `frame-${seq}`;
      all.push(frame);
      buffer.push(seq, frame);
    } else {
      expect(buffer.since(command)).toEqual(naiveSince(all, capacity, command));
    }
  }
  expect(buffer.lastSeq).toBe(all.length);
  expect(buffer.size).toBe(Math.min(capacity, all.length));
});
