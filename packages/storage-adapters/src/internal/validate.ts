/**
 * Argument checks shared by every adapter, so that all of them accept and refuse exactly the
 * same inputs. Each check throws `GK_STORAGE_INVALID_ARGUMENT` with a message naming the field.
 */
import { isSnowflake, timestampOf } from '@guildkit/snowflake';
import type { APIEmbed } from 'discord-api-types/v10';
import { StorageError, StorageErrorCode } from '../errors.js';
import { MESSAGE_LIMITS, type MessageEdit, type MessageRecord } from '../types.js';

/** A `NewMessage` with its defaults filled in, every field checked. */
export interface CheckedNewMessage {
  readonly id: string;
  readonly channelId: string;
  readonly authorId: string;
  readonly content: string;
  readonly embeds: readonly APIEmbed[];
}

/**
 * A checked `list` query. `anchor` is the `before` / `after` / `around` id (`0n` for
 * `latest`).
 */
export interface CheckedListQuery {
  readonly kind: 'latest' | 'before' | 'after' | 'around';
  readonly anchor: bigint;
  readonly limit: number;
}

/** A checked `listReactors` query: users with ids above `after` (`null`: from the start). */
export interface CheckedReactorQuery {
  readonly after: bigint | null;
  readonly limit: number;
}

const EMOJI_MAX_LENGTH = 100;
const CUSTOM_EMOJI = /^([A-Za-z0-9_]{2,32}):(\d+)$/;
// \p{RGI_Emoji} (whole emoji sequences) needs the `v` flag: Node 20 has it, but TypeScript
// refuses it below an ES2024 target, so the flags are a string it does not check.
const UNICODE_SETS_FLAG: string = 'v';
const UNICODE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', UNICODE_SETS_FLAG);
const VARIATION_SELECTOR_16 = '\uFE0F';
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * @param value - a message, channel, author or user id.
 * @param what - the argument's name, for the error message.
 * @returns `value`: a canonical decimal string (no sign, spaces or leading zeros) in 1..2^64-1.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` otherwise.
 */
export function checkSnowflake(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '0' || !isSnowflake(value)) {
    throw invalid(
      `${what}: ${describe(value)} is not a snowflake (a canonical decimal string in 1..2^64-1)`,
    );
  }
  return value;
}

/**
 * A paging anchor (`before`, `after`, `around`, a reactor query's `after`): a snowflake, or
 * `'0'`, which Discord clients send as `after=0` to read from the very beginning.
 */
function checkAnchor(value: unknown, what: string): bigint {
  if (value === '0') return 0n;
  return BigInt(checkSnowflake(value, what));
}

/**
 * @param input - what `create` was given.
 * @returns the message with `content` defaulted to `''` and `embeds` to `[]`.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a malformed id, content over
 * {@link MESSAGE_LIMITS.contentLength} characters (Unicode code points), more than
 * {@link MESSAGE_LIMITS.embeds} embeds or an embed that is not a plain object, and for a
 * message with neither content nor embeds (Discord refuses an empty message).
 */
export function checkNewMessage(input: unknown): CheckedNewMessage {
  const fields = checkObject(input, 'message');
  const id = checkSnowflake(fields['id'], 'id');
  const channelId = checkSnowflake(fields['channelId'], 'channelId');
  const authorId = checkSnowflake(fields['authorId'], 'authorId');
  const content = fields['content'] === undefined ? '' : checkContent(fields['content']);
  const embeds = fields['embeds'] === undefined ? [] : checkEmbeds(fields['embeds']);
  checkNotEmpty(content, embeds, 'message');
  return { id, channelId, authorId, content, embeds };
}

/**
 * @param record - what `put` was given: a complete record.
 * @returns the record, checked like `create`'s input plus `editedTimestamp` (`null` or an ISO
 * 8601 date-time with a zone, e.g. `2017-07-11T17:27:07.299Z` or Discord's
 * `2017-07-11T17:27:07.299000+00:00`; kept as given) and `pinned` (a boolean).
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for any malformed field.
 */
export function checkRecord(record: unknown): MessageRecord {
  const message = checkNewMessage(record);
  const fields = record as Record<string, unknown>;
  const editedTimestamp = fields['editedTimestamp'];
  if (
    editedTimestamp !== null &&
    (typeof editedTimestamp !== 'string' ||
      !ISO_8601.test(editedTimestamp) ||
      Number.isNaN(Date.parse(editedTimestamp)))
  ) {
    throw invalid(
      `editedTimestamp: ${describe(editedTimestamp)} is neither null nor an ISO 8601 date-time`,
    );
  }
  const pinned = fields['pinned'];
  if (typeof pinned !== 'boolean') throw invalid(`pinned: ${describe(pinned)} is not a boolean`);
  return { ...message, editedTimestamp, pinned };
}

/**
 * @param edit - what `edit` was given.
 * @returns the edit with only the fields it sets. Whether the result leaves the message empty
 * (no content, no embeds) depends on the stored message: the store checks that.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for an edit that sets neither `content`
 * nor `embeds`, or breaks their limits (as {@link checkNewMessage}).
 */
export function checkEdit(edit: unknown): MessageEdit {
  const fields = checkObject(edit, 'edit');
  const content = fields['content'] === undefined ? undefined : checkContent(fields['content']);
  const embeds = fields['embeds'] === undefined ? undefined : checkEmbeds(fields['embeds']);
  if (content === undefined && embeds === undefined) {
    throw invalid('edit: sets neither content nor embeds');
  }
  if (content !== undefined && embeds !== undefined) checkNotEmpty(content, embeds, 'edit');
  return {
    ...(content === undefined ? {} : { content }),
    ...(embeds === undefined ? {} : { embeds }),
  };
}

/**
 * Throws when an edit would leave a message without content and embeds.
 *
 * @param content - the content after the edit.
 * @param embeds - the embeds after the edit.
 * @param what - the operation, for the error message.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` when both are empty.
 */
export function checkNotEmpty(content: string, embeds: readonly unknown[], what: string): void {
  if (content === '' && embeds.length === 0) {
    throw invalid(`${what}: a message needs content or at least one embed`);
  }
}

/**
 * @param query - what `list` was given (`undefined`: the newest 50).
 * @returns the query kind, its anchor and limit.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for more than one of `before` / `after` /
 * `around`, an anchor that is not a snowflake (or `'0'`), or a `limit` that is not an integer
 * in 1..100.
 */
export function checkListQuery(query: unknown): CheckedListQuery {
  if (query === undefined) return { kind: 'latest', anchor: 0n, limit: MESSAGE_LIMITS.listDefault };
  const fields = checkObject(query, 'query');
  const limit = checkLimit(fields['limit'], MESSAGE_LIMITS.listDefault, 'query.limit');
  const anchors = (['before', 'after', 'around'] as const).filter(
    (kind) => fields[kind] !== undefined,
  );
  const [kind, ...others] = anchors;
  if (kind === undefined) return { kind: 'latest', anchor: 0n, limit };
  if (others.length > 0) {
    throw invalid(`query: ${anchors.join(', ')} given; at most one of before, after, around`);
  }
  return { kind, anchor: checkAnchor(fields[kind], `query.${kind}`), limit };
}

/**
 * @param emoji - a reaction emoji.
 * @returns `emoji`: a Unicode emoji (one RGI emoji, optionally written without its U+FE0F
 * presentation selector, e.g. `❤`) or a custom emoji `name:id` (name `[A-Za-z0-9_]{2,32}`, id a
 * snowflake), at most 100 characters.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` otherwise.
 */
export function checkEmoji(emoji: unknown): string {
  if (typeof emoji !== 'string' || emoji.length === 0 || emoji.length > EMOJI_MAX_LENGTH) {
    throw invalid(`emoji: ${describe(emoji)} is not a non-empty string of at most 100 characters`);
  }
  const custom = CUSTOM_EMOJI.exec(emoji);
  if (custom !== null) {
    checkSnowflake(custom[2], 'emoji id');
    return emoji;
  }
  if (UNICODE_EMOJI.test(emoji) || UNICODE_EMOJI.test(emoji + VARIATION_SELECTOR_16)) return emoji;
  throw invalid(`emoji: ${describe(emoji)} is neither a Unicode emoji nor name:id`);
}

/**
 * @param query - what `listReactors` was given (`undefined`: the first 25).
 * @returns the lower bound (exclusive; `null` for none) and the limit.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for an `after` that is not a snowflake (or
 * `'0'`) or a `limit` that is not an integer in 1..100.
 */
export function checkReactorQuery(query: unknown): CheckedReactorQuery {
  if (query === undefined) return { after: null, limit: MESSAGE_LIMITS.reactorsDefault };
  const fields = checkObject(query, 'query');
  const limit = checkLimit(fields['limit'], MESSAGE_LIMITS.reactorsDefault, 'query.limit');
  const after = fields['after'] === undefined ? null : checkAnchor(fields['after'], 'query.after');
  return { after, limit };
}

/**
 * @param ids - what `bulkDelete` was given.
 * @param nowMs - the store's clock.
 * @returns the ids: 2..100 distinct snowflakes, none older than 14 days (by Snowflake timestamp
 * against `nowMs`; exactly 14 days old is still accepted).
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` otherwise.
 */
export function checkBulkDelete(ids: unknown, nowMs: number): string[] {
  if (!Array.isArray(ids)) throw invalid(`messageIds: ${describe(ids)} is not an array`);
  const { bulkDeleteMin, bulkDeleteMax, bulkDeleteMaxAgeMs } = MESSAGE_LIMITS;
  if (ids.length < bulkDeleteMin || ids.length > bulkDeleteMax) {
    throw invalid(
      `messageIds: ${ids.length} ids; bulk delete takes ${bulkDeleteMin}..${bulkDeleteMax}`,
    );
  }
  const seen = new Set<string>();
  return ids.map((value: unknown, index) => {
    const id = checkSnowflake(value, `messageIds[${index}]`);
    if (seen.has(id)) throw invalid(`messageIds[${index}]: ${id} is given twice`);
    seen.add(id);
    if (nowMs - timestampOf(id) > bulkDeleteMaxAgeMs) {
      throw invalid(`messageIds[${index}]: ${id} is older than 14 days; bulk delete refuses it`);
    }
    return id;
  });
}

function checkContent(value: unknown): string {
  if (typeof value !== 'string') throw invalid(`content: ${describe(value)} is not a string`);
  const limit = MESSAGE_LIMITS.contentLength;
  // UTF-16 length is an upper bound of the code point count: count only when it could matter.
  if (value.length > limit) {
    const codePoints = [...value].length;
    if (codePoints > limit) {
      throw invalid(`content: ${codePoints} characters; at most ${limit}`);
    }
  }
  return value;
}

function checkEmbeds(value: unknown): readonly APIEmbed[] {
  if (!Array.isArray(value)) throw invalid(`embeds: ${describe(value)} is not an array`);
  if (value.length > MESSAGE_LIMITS.embeds) {
    throw invalid(`embeds: ${value.length} embeds; at most ${MESSAGE_LIMITS.embeds}`);
  }
  value.forEach((embed: unknown, index) => {
    if (!isPlainObject(embed)) {
      throw invalid(`embeds[${index}]: ${describe(embed)} is not a plain object`);
    }
  });
  return value as APIEmbed[];
}

function checkLimit(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MESSAGE_LIMITS.pageMax
  ) {
    throw invalid(`${what}: ${describe(value)} is not an integer in 1..${MESSAGE_LIMITS.pageMax}`);
  }
  return value;
}

function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(`${what}: ${describe(value)} is not an object`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function invalid(message: string): StorageError {
  return new StorageError(StorageErrorCode.InvalidArgument, message);
}
