/**
 * The key layout of the LMDB message store. Keys are arrays in lmdb-js's `ordered-binary`
 * encoding: arrays sort element by element, numbers and bigints numerically (Snowflakes above
 * 2^53 keep full precision as bigints), so each key space below is one contiguous, ordered range
 * per channel (or per message), and every read is a bounded range scan.
 *
 * ```
 * ['m',  channel, message]                 -> StoredMessage        history, ascending by id
 * ['rc', channel, message]                 -> StoredReactionCounts emoji totals, first-added order
 * ['ru', channel, message, emoji, user]    -> true                 reactors, ascending by user id
 * ['p',  channel, message]                 -> true                 pins, ascending by message id
 * ```
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { Key } from 'lmdb';

/**
 * A key as lmdb-js takes it. Its typings omit bigint elements, which its `ordered-binary`
 * encoding orders and round-trips exactly (numbers when exact, bigints otherwise), so the
 * builders below are the one place that widens an array with bigints to it.
 */
export type LmdbKey = Key;

/** An element of a key as the store writes it. */
type KeyPart = string | bigint;

function key(...parts: KeyPart[]): LmdbKey {
  return parts as unknown as LmdbKey;
}

/** Above every Snowflake (they are below 2^64): the open upper end of a per-channel range. */
const ABOVE_ANY_ID = 2n ** 64n;

/** A message as stored under its `m` key; the ids live in the key. */
export interface StoredMessage {
  readonly authorId: string;
  readonly content: string;
  readonly embeds: readonly APIEmbed[];
  readonly editedTimestamp: string | null;
  readonly pinned: boolean;
}

/** A message's reaction totals: `[emoji, count]` pairs in the order each emoji was first added. */
export type StoredReactionCounts = readonly (readonly [emoji: string, count: number])[];

/** A half-open range `[start, end)` of keys, ascending. */
export interface KeyRange {
  readonly start: LmdbKey;
  readonly end: LmdbKey;
}

/**
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the key of the message's record.
 */
export function messageKey(channel: bigint, message: bigint): LmdbKey {
  return key('m', channel, message);
}

/**
 * @param channel - the channel id.
 * @returns the range holding every message of the channel.
 */
export function channelMessages(channel: bigint): KeyRange {
  return { start: key('m', channel, 0n), end: key('m', channel, ABOVE_ANY_ID) };
}

/**
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the key of the message's reaction totals.
 */
export function reactionCountsKey(channel: bigint, message: bigint): LmdbKey {
  return key('rc', channel, message);
}

/**
 * @param channel - the channel id.
 * @param message - the message id.
 * @param emoji - the reaction's emoji.
 * @param user - the reacting user's id.
 * @returns the key recording that `user` reacted with `emoji`.
 */
export function reactorKey(channel: bigint, message: bigint, emoji: string, user: bigint): LmdbKey {
  return key('ru', channel, message, emoji, user);
}

/**
 * @param channel - the channel id.
 * @param message - the message id.
 * @param emoji - the reaction's emoji.
 * @returns the range of the users that reacted to the message with `emoji`.
 */
export function emojiReactors(channel: bigint, message: bigint, emoji: string): KeyRange {
  return {
    start: key('ru', channel, message, emoji, 0n),
    end: key('ru', channel, message, emoji, ABOVE_ANY_ID),
  };
}

/**
 * @param channel - the channel id.
 * @param message - the message id.
 * @returns the key marking the message as pinned.
 */
export function pinKey(channel: bigint, message: bigint): LmdbKey {
  return key('p', channel, message);
}

/**
 * @param channel - the channel id.
 * @returns the range of the channel's pin keys.
 */
export function channelPins(channel: bigint): KeyRange {
  return { start: key('p', channel, 0n), end: key('p', channel, ABOVE_ANY_ID) };
}

/**
 * @param key - a decoded key.
 * @param index - which element holds a Snowflake.
 * @returns that element as a canonical decimal string.
 * @throws Error when the element is not a number (a corrupt key).
 */
export function idAt(decoded: LmdbKey, index: number): string {
  const part: unknown = Array.isArray(decoded) ? decoded[index] : undefined;
  if (typeof part === 'number' || typeof part === 'bigint') return BigInt(part).toString();
  throw new Error(`key element ${index} is not an id: ${String(part)}`);
}
