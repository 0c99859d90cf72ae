import { isSnowflake } from '@guildkit/snowflake';
import { GatewayError, GatewayErrorCode } from '../errors.js';

/** A value as `JSON.parse` returns it: what a subscriber receives as an event's `data`. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The envelope format version; a node drops envelopes of any other version as malformed. */
export const BUS_ENVELOPE_VERSION = 1;

/**
 * One guild event as it crosses the bus, serialized as a JSON object:
 *
 * ```
 * {"v":1,"origin":"gateway-a","incarnation":1717171717171,"guildId":"81384788765712384",
 *  "seq":42,"event":"MESSAGE_CREATE","publishedAt":1717171720000,"data":{…}}
 * ```
 *
 * `(origin, incarnation, guildId)` names one ordered stream: the publishing node numbers each
 * guild's events 1, 2, 3, … for as long as that bus instance lives.
 */
export interface BusEnvelope {
  /** The node that published the event (its bus's `nodeId`). */
  readonly origin: string;
  /**
   * Which life of the origin node published it: a restarted node starts a greater incarnation
   * and numbers its guilds from 1 again.
   */
  readonly incarnation: number;
  /** The guild the event belongs to, a snowflake. */
  readonly guildId: string;
  /** The event's place in its stream: 1 for the stream's first event, then +1 each. */
  readonly seq: number;
  /** The event name, e.g. `MESSAGE_CREATE`. */
  readonly event: string;
  /** When the origin published it, in ms on the origin's clock. */
  readonly publishedAt: number;
  /** The payload. */
  readonly data: JsonValue;
}

/** The result of {@link decodeEnvelope}: an envelope, or why the text is not one. */
export type DecodedEnvelope =
  | { readonly ok: true; readonly envelope: BusEnvelope }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether a value names a guild: a canonical decimal snowflake string.
 *
 * @param value - anything.
 * @returns `true` for `'81384788765712384'`, `false` for `'0x1'`, `' 1'`, `1` or `''`.
 */
export function isGuildId(value: unknown): value is string {
  return typeof value === 'string' && isSnowflake(value);
}

/**
 * Serializes an envelope for the wire.
 *
 * @param envelope - the envelope; `data` may be any value `JSON.stringify` can represent.
 * @returns its JSON text.
 * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when `guildId` is not a snowflake, `event`
 * is empty or `data` cannot be serialized (bigint, cycle, `undefined`, a function).
 */
export function encodeEnvelope(
  envelope: Omit<BusEnvelope, 'data'> & { readonly data: unknown },
): string {
  if (!isGuildId(envelope.guildId)) {
    throw invalid(`guild id must be a snowflake string, got ${describe(envelope.guildId)}`);
  }
  if (typeof envelope.event !== 'string' || envelope.event.length === 0) {
    throw invalid(`event name must be a non-empty string, got ${describe(envelope.event)}`);
  }
  let data: string | undefined;
  try {
    data = JSON.stringify(envelope.data);
  } catch (cause) {
    throw new GatewayError(GatewayErrorCode.InvalidPayload, 'event data cannot be serialized', {
      cause,
    });
  }
  if (data === undefined) throw invalid('event data has no JSON representation');
  // Hand-built so `data` is stringified once and the field order is fixed.
  return `{"v":${BUS_ENVELOPE_VERSION},"origin":${JSON.stringify(envelope.origin)},"incarnation":${envelope.incarnation},"guildId":"${envelope.guildId}","seq":${envelope.seq},"event":${JSON.stringify(envelope.event)},"publishedAt":${envelope.publishedAt},"data":${data}}`;
}

/**
 * Parses and validates an envelope from the wire. Never throws: a foreign or corrupted message
 * on a guild subject is reported, not fatal.
 *
 * @param text - the message body.
 * @returns the envelope, or the reason it is malformed.
 */
export function decodeEnvelope(text: string): DecodedEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const fields = parsed as Record<string, unknown>;
  if (fields['v'] !== BUS_ENVELOPE_VERSION) return { ok: false, reason: 'unknown version' };
  const { origin, incarnation, guildId, seq, event, publishedAt, data } = fields;
  if (typeof origin !== 'string' || origin.length === 0) return bad('origin');
  if (!isSafeUint(incarnation)) return bad('incarnation');
  if (!isGuildId(guildId)) return bad('guildId');
  if (!isSafeUint(seq) || seq < 1) return bad('seq');
  if (typeof event !== 'string' || event.length === 0) return bad('event');
  if (typeof publishedAt !== 'number' || !Number.isFinite(publishedAt)) return bad('publishedAt');
  if (!('data' in fields)) return bad('data');
  return {
    ok: true,
    envelope: { origin, incarnation, guildId, seq, event, publishedAt, data: data as JsonValue },
  };
}

function isSafeUint(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function bad(field: string): DecodedEnvelope {
  return { ok: false, reason: `missing or invalid ${field}` };
}

function invalid(message: string): GatewayError {
  return new GatewayError(GatewayErrorCode.InvalidPayload, message);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}
