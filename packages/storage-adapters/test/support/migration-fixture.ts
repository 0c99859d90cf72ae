import { snowflakeFromTimestamp } from '@guildkit/snowflake';
import type { MessageStore } from '@guildkit/storage-adapters';

/** 2026-01-01T00:00:00Z: the fixtures' "now". */
export const NOW = Date.UTC(2026, 0, 1);
const DAY = 24 * 60 * 60 * 1000;

/** A Snowflake at `daysAgo` before {@link NOW}, made unique by `sequence` (its low bits). */
export function messageId(daysAgo: number, sequence: number): string {
  return (BigInt(snowflakeFromTimestamp(NOW - daysAgo * DAY)) + BigInt(sequence)).toString();
}

/** Channel ids used by the migration tests. */
export const CHANNELS = ['1100000000000000001', '1100000000000000002', '1100000000000000003'];

/** A user id for reactions and authors. */
export function userId(n: number): string {
  return (1_200_000_000_000_000_000n + BigInt(n)).toString();
}

/**
 * Fills `store` with `perChannel` messages in each of {@link CHANNELS}, spread over a year (so
 * across ~37 ten-day buckets), some edited, pinned and reacted to.
 *
 * @returns the ids created, per channel, oldest first.
 */
export async function seed(
  store: MessageStore,
  perChannel: number,
): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  for (const [c, channelId] of CHANNELS.entries()) {
    const created: string[] = [];
    for (let i = 0; i < perChannel; i++) {
      const id = messageId(365 - Math.floor((i * 365) / perChannel), i * 8 + c);
      await store.create({
        id,
        channelId,
        authorId: userId(i % 7),
        content: `message ${i} of ${c}`,
      });
      if (i % 5 === 0) await store.edit(channelId, id, { content: `edited ${i}` });
      if (i % 11 === 0) await store.pin(channelId, id);
      for (let r = 0; r < i % 4; r++)
        await store.addReaction(channelId, id, r % 2 ? '🔥' : '👍', userId(r));
      created.push(id);
    }
    ids.set(channelId, created);
  }
  return ids;
}

/**
 * Writes into `store` one after another while `keepGoing()` holds (at most 5,000 writes): new
 * messages, edits, deletes, reactions added and removed, pins, spread over {@link CHANNELS} and
 * the `ids` {@link seed} made. Writes on messages that are gone by then are allowed to fail.
 *
 * @returns how many writes it made.
 */
export async function writeWhile(
  store: MessageStore,
  ids: ReadonlyMap<string, readonly string[]>,
  keepGoing: () => boolean,
): Promise<number> {
  let writes = 0;
  for (let n = 0; keepGoing() && n < 5000; n++, writes++) {
    const channelId = CHANNELS[n % 3]!;
    const existing = ids.get(channelId)!;
    const victim = existing[(n * 37) % existing.length]!;
    switch (n % 6) {
      case 0:
        await store.create({
          id: messageId(0, 100_000 + n),
          channelId,
          authorId: userId(1),
          content: `live ${n}`,
        });
        break;
      case 1:
        await store.edit(channelId, victim, { content: `live edit ${n}` }).catch(() => null);
        break;
      case 2:
        await store.delete(channelId, victim);
        break;
      case 3:
        await store.addReaction(channelId, victim, '🎉', userId(n)).catch(() => null);
        break;
      case 4:
        await store.removeReaction(channelId, victim, '👍', userId(0)).catch(() => null);
        break;
      default:
        await store.pin(channelId, victim).catch(() => null);
    }
  }
  return writes;
}

/** Every message of a channel with its reactions, and the channel's pins: what a migration must carry over. */
export async function channelSnapshot(store: MessageStore, channelId: string): Promise<unknown> {
  const messages: unknown[] = [];
  let after = '0';
  for (;;) {
    const page = await store.list(channelId, { after, limit: 100 });
    for (const message of page)
      messages.push({ message, reactions: await store.reactionCounts(channelId, message.id) });
    if (page.length < 100) break;
    after = page.at(-1)!.id;
  }
  return { messages, pins: await store.listPins(channelId) };
}
