import type { Database, RangeOptions } from 'lmdb';
import type { MessageRecord } from '../types.js';
import {
  channelMessages,
  channelPins,
  emojiReactors,
  idAt,
  type LmdbKey,
  messageKey,
  reactionCountsKey,
  reactorKey,
  type StoredMessage,
  type StoredReactionCounts,
} from './lmdb-keys.js';
import { aroundSplit } from './paging.js';
import type { CheckedListQuery, CheckedReactorQuery } from './validate.js';

/** The store's database: values are the records of `lmdb-keys`, encoded with msgpack. */
export type MessageDatabase = Database<unknown, LmdbKey>;

/**
 * Reads one message (inside a write transaction, as that transaction sees it).
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the stored message, or `undefined`.
 */
export function readStored(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
): StoredMessage | undefined {
  return db.get(messageKey(channel, message)) as StoredMessage | undefined;
}

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the message's record, or `undefined`.
 */
export function readMessage(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
): MessageRecord | undefined {
  const stored = readStored(db, channel, message);
  return stored === undefined ? undefined : toRecord(channel, message, stored);
}

/**
 * @param channel - the channel id.
 * @param message - the message id.
 * @param stored - the stored fields.
 * @returns the public record.
 */
export function toRecord(channel: bigint, message: bigint, stored: StoredMessage): MessageRecord {
  return {
    id: message.toString(),
    channelId: channel.toString(),
    authorId: stored.authorId,
    content: stored.content,
    embeds: stored.embeds,
    editedTimestamp: stored.editedTimestamp,
    pinned: stored.pinned,
  };
}

/**
 * Reads one page of a channel's history with at most two range scans of `limit` entries.
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param query - the checked page request.
 * @returns the page, in the order Discord returns it for the query's kind.
 */
export function readPage(
  db: MessageDatabase,
  channel: bigint,
  query: CheckedListQuery,
): MessageRecord[] {
  const all = channelMessages(channel);
  const anchor = messageKey(channel, query.anchor);
  switch (query.kind) {
    case 'latest':
      return scan(db, channel, { start: all.end, end: all.start, reverse: true }, query.limit);
    case 'before':
      return scan(
        db,
        channel,
        { start: anchor, exclusiveStart: true, end: all.start, reverse: true },
        query.limit,
      );
    case 'after':
      return scan(db, channel, { start: anchor, exclusiveStart: true, end: all.end }, query.limit);
    case 'around': {
      const { newer, older } = aroundSplit(query.limit);
      const newerPage = scan(
        db,
        channel,
        { start: anchor, exclusiveStart: true, end: all.end },
        newer,
      ).reverse();
      const olderPage = scan(db, channel, { start: anchor, end: all.start, reverse: true }, older);
      return [...newerPage, ...olderPage];
    }
  }
}

function scan(
  db: MessageDatabase,
  channel: bigint,
  range: RangeOptions,
  limit: number,
): MessageRecord[] {
  // lmdb-js reads `limit: 0` as "no limit".
  if (limit === 0) return [];
  return Array.from(db.getRange({ ...range, limit }), ({ key, value }) =>
    toRecord(channel, BigInt(idAt(key, 2)), value as StoredMessage),
  );
}

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @returns the ids of the channel's pinned messages, newest first.
 */
export function readPinnedIds(db: MessageDatabase, channel: bigint): bigint[] {
  const pins = channelPins(channel);
  return Array.from(db.getKeys({ start: pins.end, end: pins.start, reverse: true }), (key) =>
    BigInt(idAt(key, 2)),
  );
}

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the message's reaction totals in first-added order (empty when it has none).
 */
export function readReactionCounts(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
): StoredReactionCounts {
  return (db.get(reactionCountsKey(channel, message)) as StoredReactionCounts | undefined) ?? [];
}

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param emoji - the emoji.
 * @param page - users after `after` (or from the first), at most `limit`.
 * @returns user ids, ascending.
 */
export function readReactors(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  emoji: string,
  page: CheckedReactorQuery,
): string[] {
  const all = emojiReactors(channel, message, emoji);
  const range: RangeOptions =
    page.after === null
      ? { start: all.start, end: all.end }
      : {
          start: reactorKey(channel, message, emoji, page.after),
          exclusiveStart: true,
          end: all.end,
        };
  return Array.from(db.getKeys({ ...range, limit: page.limit }), (key) => idAt(key, 4));
}
