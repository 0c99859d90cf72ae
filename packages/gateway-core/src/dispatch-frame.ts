import { GatewayDispatchEvents } from 'discord-api-types/v10';
import { GatewayError, GatewayErrorCode } from './errors.js';

/**
 * How much a dispatch matters to a congested session: `low` dispatches (typing, presence) are
 * the first thing a slow consumer loses; `normal` ones are never dropped from a session that
 * stays connected.
 */
export type DispatchPriority = 'normal' | 'low';

/**
 * Events a congested session may lose: Discord's clients treat both as ephemeral hints that
 * the next one supersedes.
 *
 * @example
 * ```ts
 * import { LOW_PRIORITY_EVENTS } from '@guildkit/gateway-core';
 *
 * LOW_PRIORITY_EVENTS.has('TYPING_START'); // true
 * ```
 */
export const LOW_PRIORITY_EVENTS: ReadonlySet<string> = new Set<string>([
  GatewayDispatchEvents.TypingStart,
  GatewayDispatchEvents.PresenceUpdate,
]);

/** Options for {@link prepareDispatch}. */
export interface PrepareDispatchOptions {
  /** @defaultValue `'low'` for {@link LOW_PRIORITY_EVENTS}, else `'normal'` */
  readonly priority?: DispatchPriority;
}

function serialize(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new GatewayError(GatewayErrorCode.InvalidPayload, `${what} cannot be serialized`, {
      cause,
    });
  }
  if (json === undefined) {
    throw new GatewayError(GatewayErrorCode.InvalidPayload, `${what} has no JSON representation`);
  }
  return json;
}

/** Each event name's frame prefix, built once: every READY shares one string, not a copy each. */
const FRAME_PREFIXES = new Map<string, string>();
/** Event names are few; past this many distinct names, prefixes are built per dispatch. */
const MAX_CACHED_PREFIXES = 1024;

function framePrefix(t: string): string {
  const cached = FRAME_PREFIXES.get(t);
  if (cached !== undefined) return cached;
  const prefix = `{"op":0,"t":${serialize(t, 'the event name')},"s":`;
  if (FRAME_PREFIXES.size < MAX_CACHED_PREFIXES) FRAME_PREFIXES.set(t, prefix);
  return prefix;
}

function digitCount(seq: number): number {
  let digits = 1;
  for (let rest = seq; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new GatewayError(
      GatewayErrorCode.InvalidSequence,
      `seq must be a non-negative safe integer, got ${String(seq)}`,
    );
  }
}

/**
 * One dispatch (op 0) serialized once for any number of sessions. The frame text is split
 * around the sequence, `{"op":0,"t":<t>,"s":` + seq + `,"d":<d>}`, so each session's frame
 * costs one string concatenation instead of a full `JSON.stringify`. Variants of the payload
 * (e.g. without message content, for sessions lacking MESSAGE_CONTENT) are built and
 * serialized once, on first use.
 *
 * Create it with {@link prepareDispatch}; the public type has no constructor.
 *
 * @example
 * ```ts
 * import { prepareDispatch } from '@guildkit/gateway-core';
 *
 * const prepared = prepareDispatch('TYPING_START', { channel_id: '1', user_id: '2' });
 * prepared.frame(7); // '{"op":0,"t":"TYPING_START","s":7,"d":{"channel_id":"1","user_id":"2"}}'
 * ```
 */
export class PreparedDispatch {
  /** The event name (`t`). */
  readonly t: string;
  /** Whether a congested session may drop it (see {@link DispatchPriority}). */
  readonly priority: DispatchPriority;
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #variants = new Map<string, PreparedDispatch>();
  /** Whether {@link writeFrame} ran once: the second call encodes the bytes for reuse. */
  #writtenOnce = false;
  #encoded: { readonly prefix: Uint8Array; readonly suffix: Uint8Array } | undefined;

  /**
   * @param t - the event name.
   * @param d - the payload.
   * @param priority - see {@link DispatchPriority}.
   * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when `t` is empty or `d` cannot be
   * serialized.
   */
  constructor(t: string, d: unknown, priority: DispatchPriority) {
    if (typeof t !== 'string' || t.length === 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidPayload,
        'the event name must be a non-empty string',
      );
    }
    this.t = t;
    this.priority = priority;
    this.#prefix = framePrefix(t);
    this.#suffix = `,"d":${serialize(d, `the ${t} payload`)}}`;
  }

  /**
   * The frame text for one session.
   *
   * @param seq - the session's sequence number for this dispatch.
   * @returns exactly `JSON.stringify({ op: 0, t, s: seq, d })`, byte for byte.
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not a non-negative safe
   * integer.
   */
  frame(seq: number): string {
    checkSeq(seq);
    return this.#prefix + seq + this.#suffix;
  }

  /**
   * The length of {@link frame}`(seq)` in UTF-8 bytes.
   *
   * @param seq - the session's sequence number for this dispatch.
   * @returns the byte length {@link writeFrame} writes.
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not a non-negative safe
   * integer.
   */
  frameByteLength(seq: number): number {
    checkSeq(seq);
    const digits = digitCount(seq);
    const bytes = this.#encoded;
    if (bytes === undefined)
      return Buffer.byteLength(this.#prefix) + digits + Buffer.byteLength(this.#suffix);
    return bytes.prefix.length + digits + bytes.suffix.length;
  }

  /**
   * Writes {@link frame}`(seq)` as UTF-8 into `target` at `offset`: once the dispatch has been
   * written a second time (a fan-out), by copying its payload's bytes, encoded once, around
   * the sequence's digits, instead of encoding the text per session.
   *
   * @param seq - the session's sequence number for this dispatch.
   * @param target - where to write; needs {@link frameByteLength}`(seq)` bytes from `offset`.
   * @param offset - where the frame starts in `target`.
   * @returns the offset after the frame.
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not a non-negative safe
   * integer.
   */
  writeFrame(seq: number, target: Buffer, offset: number): number {
    checkSeq(seq);
    const digits = digitCount(seq);
    const bytes = this.#encoded ?? (this.#writtenOnce ? this.#encode() : undefined);
    this.#writtenOnce = true;
    let at: number;
    if (bytes === undefined) at = offset + target.write(this.#prefix, offset, 'utf8');
    else {
      target.set(bytes.prefix, offset);
      at = offset + bytes.prefix.length;
    }
    let rest = seq;
    for (let i = at + digits - 1; i >= at; i--) {
      target[i] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    at += digits;
    if (bytes === undefined) return at + target.write(this.#suffix, at, 'utf8');
    target.set(bytes.suffix, at);
    return at + bytes.suffix.length;
  }

  /**
   * Encodes the prefix and suffix once the dispatch is written a second time (a fan-out): a
   * dispatch written once (READY, a session's own events) is encoded in place, so no copy of
   * its bytes stays alive in the replay buffer.
   */
  #encode(): { readonly prefix: Uint8Array; readonly suffix: Uint8Array } {
    this.#encoded = {
      prefix: Buffer.from(this.#prefix, 'utf8'),
      suffix: Buffer.from(this.#suffix, 'utf8'),
    };
    return this.#encoded;
  }

  /**
   * A variant of this dispatch with another payload, built and serialized only the first time
   * its key is asked for; later calls with the same key return the same variant.
   *
   * @param key - names the variant, e.g. `'no-message-content'`.
   * @param build - derives the variant's payload; called at most once per key.
   * @returns the variant, with the same event name and priority.
   * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when the built payload cannot be
   * serialized.
   * @example
   * ```ts
   * const stripped = prepared.variant('no-message-content', () => stripMessageContent(message));
   * socket.send(stripped.frame(session.nextSeq()));
   * ```
   */
  variant(key: string, build: () => unknown): PreparedDispatch {
    let variant = this.#variants.get(key);
    if (variant === undefined) {
      variant = new PreparedDispatch(this.t, build(), this.priority);
      this.#variants.set(key, variant);
    }
    return variant;
  }
}

/**
 * Serializes a dispatch payload once, for fan-out to many sessions that each number their
 * frames with their own `s`.
 *
 * @param t - the event name, e.g. `GatewayDispatchEvents.MessageCreate`.
 * @param d - the payload; anything `JSON.stringify` can represent.
 * @param options - the priority, when the event's default does not fit.
 * @returns the prepared dispatch; call {@link PreparedDispatch.frame} per session.
 * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when `t` is empty or `d` cannot be
 * serialized (a bigint, a cycle, `undefined`).
 * @example
 * ```ts
 * import { prepareDispatch } from '@guildkit/gateway-core';
 *
 * const prepared = prepareDispatch('MESSAGE_CREATE', message);
 * for (const session of audience) session.send(prepared.frame(session.nextSeq()));
 * ```
 */
export function prepareDispatch(
  t: string,
  d: unknown,
  options: PrepareDispatchOptions = {},
): PreparedDispatch {
  return new PreparedDispatch(
    t,
    d,
    options.priority ?? (LOW_PRIORITY_EVENTS.has(t) ? 'low' : 'normal'),
  );
}
