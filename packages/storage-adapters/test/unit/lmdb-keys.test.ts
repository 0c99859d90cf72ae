import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { open, type RootDatabase } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelMessages,
  emojiReactors,
  idAt,
  type LmdbKey,
  messageKey,
  reactorKey,
} from '../../src/internal/lmdb-keys.js';

const MAX_ID = 2n ** 64n - 1n;

/** Snowflakes biased to the edges where encodings change: small, around 2^53, near 2^64. */
const snowflake = fc.oneof(
  fc.bigInt({ min: 1n, max: MAX_ID }),
  fc.bigInt({ min: 2n ** 53n - 8n, max: 2n ** 53n + 8n }),
  fc.bigInt({ min: MAX_ID - 8n, max: MAX_ID }),
  fc.bigInt({ min: 1n, max: 16n }),
);
const emoji = fc.constantFrom('🔥', '🔥🔥', '👍🏽', 'a:1', 'a:12', 'blobwave:396521773', 'b');

function ascending(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe('lmdb key layout', () => {
  let dir: string;
  let db: RootDatabase<unknown, LmdbKey>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'guildkit-lmdb-keys-'));
    db = open<unknown, LmdbKey>({ path: dir, overlappingSync: false });
  });

  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('scans a channel in numeric id order and round-trips every id exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.constantFrom(1n, 2n, MAX_ID), snowflake), {
          minLength: 1,
          maxLength: 60,
          selector: ([channel, message]) => `${channel}:${message}`,
        }),
        async (entries) => {
          await db.clearAsync();
          await db.transaction(() => {
            for (const [channel, message] of entries) void db.put(messageKey(channel, message), 0);
          });
          for (const channel of new Set(entries.map(([c]) => c))) {
            const range = channelMessages(channel);
            const scanned = Array.from(db.getKeys(range), (key) => idAt(key, 2));
            const model = entries
              .filter(([c]) => c === channel)
              .map(([, m]) => m)
              .sort(ascending)
              .map(String);
            expect(scanned).toEqual(model);
            const reversed = Array.from(
              db.getKeys({ start: range.end, end: range.start, reverse: true }),
              (key) => idAt(key, 2),
            );
            expect(reversed).toEqual([...model].reverse());
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps each (message, emoji)'s reactors in their own range, ascending by user", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.tuple(fc.constantFrom(5n, 6n, 2n ** 53n, 2n ** 53n + 1n), emoji, snowflake),
          { minLength: 1, maxLength: 60, selector: (entry) => entry.join('|') },
        ),
        async (entries) => {
          await db.clearAsync();
          await db.transaction(() => {
            for (const [message, e, user] of entries) {
              void db.put(reactorKey(7n, message, e, user), true);
            }
          });
          for (const [message, e] of entries) {
            const scanned = Array.from(db.getKeys(emojiReactors(7n, message, e)), (key) =>
              idAt(key, 4),
            );
            const model = entries
              .filter(([m, other]) => m === message && other === e)
              .map(([, , user]) => user)
              .sort(ascending)
              .map(String);
            expect(scanned).toEqual(model);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses to read a non-id key element as an id', () => {
    expect(() => idAt(['m', 'x'], 1)).toThrow(/not an id/);
  });
});
