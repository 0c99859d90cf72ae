/**
 * The bodies of the LMDB store's write transactions. Each runs inside one child transaction and
 * reads what that transaction sees; a throw rolls back everything it wrote.
 */
import { StorageError, StorageErrorCode } from '../errors.js';
import { MESSAGE_LIMITS, type MessageEdit } from '../types.js';
import {
  emojiReactors,
  messageKey,
  pinKey,
  reactionCountsKey,
  reactorKey,
  type StoredMessage,
  type StoredReactionCounts,
} from './lmdb-keys.js';
import {
  type MessageDatabase,
  readPinnedIds,
  readReactionCounts,
  readStored,
} from './lmdb-records.js';
import { checkNotEmpty } from './validate.js';

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the stored message.
 * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE` when it does not exist.
 */
export function requireMessage(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
): StoredMessage {
  const stored = readStored(db, channel, message);
  if (stored === undefined) {
    throw new StorageError(
      StorageErrorCode.UnknownMessage,
      `message ${message} does not exist in channel ${channel}`,
    );
  }
  return stored;
}

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param stored - the new message.
 * @returns `false` (writing nothing) when the id is already stored in the channel.
 */
export function insertMessage(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  stored: StoredMessage,
): boolean {
  const key = messageKey(channel, message);
  if (db.doesExist(key)) return false;
  void db.put(key, stored);
  return true;
}

/**
 * Writes a message as given, with its pin key; reactions stay.
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param stored - the complete message.
 */
export function replaceMessage(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  stored: StoredMessage,
): void {
  void db.put(messageKey(channel, message), stored);
  const key = pinKey(channel, message);
  void (stored.pinned ? db.put(key, true) : db.remove(key));
}

/**
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param change - the checked edit.
 * @param editedTimestamp - when (ISO 8601).
 * @returns the edited message.
 * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`; `GK_STORAGE_INVALID_ARGUMENT` when the
 * edit leaves the message without content and embeds.
 */
export function editMessage(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  change: MessageEdit,
  editedTimestamp: string,
): StoredMessage {
  const current = requireMessage(db, channel, message);
  const next: StoredMessage = {
    ...current,
    content: change.content ?? current.content,
    embeds: change.embeds ?? current.embeds,
    editedTimestamp,
  };
  checkNotEmpty(next.content, next.embeds, 'edit');
  void db.put(messageKey(channel, message), next);
  return next;
}

/**
 * Removes a message with its pin, reaction totals and reactors. Call it inside a transaction.
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns whether the message existed.
 */
export function removeMessage(db: MessageDatabase, channel: bigint, message: bigint): boolean {
  const key = messageKey(channel, message);
  if (!db.doesExist(key)) return false;
  for (const [emoji] of readReactionCounts(db, channel, message)) {
    const reactors = emojiReactors(channel, message, emoji);
    for (const reactor of Array.from(db.getKeys(reactors))) void db.remove(reactor);
  }
  void db.remove(reactionCountsKey(channel, message));
  void db.remove(pinKey(channel, message));
  void db.remove(key);
  return true;
}

/**
 * Adds a reactor and counts it; a new emoji goes last in the message's emoji order.
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param emoji - the checked emoji.
 * @param user - the user id.
 * @returns `false` when the user had already reacted with `emoji`.
 * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`.
 */
export function addReactor(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  emoji: string,
  user: bigint,
): boolean {
  requireMessage(db, channel, message);
  const key = reactorKey(channel, message, emoji, user);
  if (db.doesExist(key)) return false;
  const counts = readReactionCounts(db, channel, message);
  const next: StoredReactionCounts = counts.some(([e]) => e === emoji)
    ? counts.map(([e, n]) => [e, e === emoji ? n + 1 : n] as const)
    : [...counts, [emoji, 1]];
  void db.put(key, true);
  void db.put(reactionCountsKey(channel, message), next);
  return true;
}

/**
 * Removes a reactor; an emoji whose count drops to 0 leaves the message's emoji order.
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param emoji - the checked emoji.
 * @param user - the user id.
 * @returns whether the reaction existed.
 * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`.
 */
export function removeReactor(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  emoji: string,
  user: bigint,
): boolean {
  requireMessage(db, channel, message);
  const key = reactorKey(channel, message, emoji, user);
  if (!db.doesExist(key)) return false;
  const next = readReactionCounts(db, channel, message)
    .map(([e, n]) => [e, e === emoji ? n - 1 : n] as const)
    .filter(([, n]) => n > 0);
  const countsKey = reactionCountsKey(channel, message);
  void db.remove(key);
  void (next.length === 0 ? db.remove(countsKey) : db.put(countsKey, next));
  return true;
}

/**
 * Pins or unpins a message: its pin key and its `pinned` flag.
 *
 * @param db - the database.
 * @param channel - the channel id.
 * @param message - the message id.
 * @param pinned - the wanted state.
 * @returns whether the message was pinned before.
 * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`; `GK_STORAGE_LIMIT_REACHED` when pinning
 * one more than {@link MESSAGE_LIMITS.pins} in the channel.
 */
export function setPinned(
  db: MessageDatabase,
  channel: bigint,
  message: bigint,
  pinned: boolean,
): boolean {
  const current = requireMessage(db, channel, message);
  if (current.pinned === pinned) return pinned;
  if (pinned && readPinnedIds(db, channel).length >= MESSAGE_LIMITS.pins) {
    throw new StorageError(
      StorageErrorCode.LimitReached,
      `channel ${channel} already has ${MESSAGE_LIMITS.pins} pinned messages`,
    );
  }
  const key = pinKey(channel, message);
  void (pinned ? db.put(key, true) : db.remove(key));
  void db.put(messageKey(channel, message), { ...current, pinned });
  return !pinned;
}
