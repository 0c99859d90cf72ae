import type { APIEmbed } from 'discord-api-types/v10';
import type { MessageRecord } from '../types.js';

/**
 * Snowflakes are unsigned 64-bit, CQL `bigint` is signed 64-bit. Every Snowflake column (channel,
 * message, author, user ids) stores `id - 2^63`:
 *
 * ```
 * Snowflake   0 ........ 2^63 - 1 | 2^63 ........ 2^64 - 1
 * CQL bigint  -2^63 ........... -1 | 0 ........... 2^63 - 1
 * ```
 *
 * The map is a bijection that keeps order, so clustering order and range queries on
 * `message_id` follow Snowflake order over the whole 64-bit range (ids near 2^64 - 1 included),
 * and each id stays a fixed 8-byte value (a `varint` would be variable-length and compare
 * slower). The price: raw values in `cqlsh` are shifted; {@link decodeId} undoes it.
 *
 * Values are bound as decimal strings, which cassandra-driver encodes for `bigint` columns
 * whether or not the client was built with `encoding.useBigIntAsLong`; read values (a `Long`
 * or a `bigint`) are decoded through their decimal `toString()` for the same reason.
 */
const SIGN_SHIFT = 1n << 63n;

/** The largest Snowflake (2^64 - 1), as it is stored. */
export const MAX_STORED_ID = (SIGN_SHIFT - 1n).toString();

/**
 * @param id - a validated Snowflake (decimal string or bigint).
 * @returns the CQL `bigint` value, as a decimal string.
 */
export function encodeId(id: string | bigint): string {
  return (BigInt(id) - SIGN_SHIFT).toString();
}

/**
 * @param value - a `bigint` column as the driver returns it (`Long` or `bigint`).
 * @returns the Snowflake, as a canonical decimal string.
 */
export function decodeId(value: unknown): string {
  return (BigInt(String(value)) + SIGN_SHIFT).toString();
}

/** A result row (cassandra-driver's `types.Row` fits), read by column name. */
export interface CqlRow {
  get(column: string): unknown;
}

/**
 * Turns a `messages` row into a record. Columns at their default are absent (never null-
 * written): no `content` is `''`, no `embeds` is `[]`, no `edited_at` is not edited, no `pinned`
 * is `false`.
 *
 * A row without `author_id` is not a message: it is what an edit (an `UPDATE` of a few
 * columns) leaves behind when it lands after the message's delete, and reads treat it as
 * deleted.
 *
 * @param channelId - the channel (a Snowflake string).
 * @param row - a row with the columns `message_id, author_id, content, embeds, edited_at, pinned`.
 * @returns the record, or `null` for a row without `author_id`.
 */
export function rowToRecord(channelId: string, row: CqlRow): MessageRecord | null {
  const author = row.get('author_id');
  if (author === null || author === undefined) return null;
  const content = row.get('content');
  const editedAt = row.get('edited_at');
  return {
    id: decodeId(row.get('message_id')),
    channelId,
    authorId: decodeId(author),
    content: typeof content === 'string' ? content : '',
    embeds: decodeEmbeds(row.get('embeds')),
    editedTimestamp: typeof editedAt === 'string' ? editedAt : null,
    pinned: row.get('pinned') === true,
  };
}

/**
 * @param embeds - validated embeds.
 * @returns the `embeds` column value: JSON text.
 */
export function encodeEmbeds(embeds: readonly APIEmbed[]): string {
  return JSON.stringify(embeds);
}

function decodeEmbeds(value: unknown): APIEmbed[] {
  if (typeof value !== 'string' || value === '') return [];
  return JSON.parse(value) as APIEmbed[];
}
