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
  #byteFrames = 0;
  #prefixBytes: Uint8Array | undefined;
  #suffixBytes: Uint8Array | undefined;

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
    this.#prefix = `{"op":0,"t":${serialize(t, 'the event name')},"s":`;
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
   * The frame for one session as UTF-8 bytes, ready for a socket: the same bytes as
   * `Buffer.from(frame(seq))`, built by copying the payload's bytes (encoded once) around the
   * sequence's digits instead of encoding the whole text per session.
   *
   * @param seq - the session's sequence number for this dispatch.
   * @returns a new buffer the caller owns.
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not a non-negative safe
   * integer.
   */
  frameBytes(seq: number): Buffer {
    checkSeq(seq);
    // A dispatch sent once (READY, a session's own events) is encoded directly: caching its
    // bytes would only keep them alive in the replay buffer.
    this.#byteFrames += 1;
    if (this.#byteFrames === 1) return Buffer.from(this.frame(seq), 'utf8');
    this.#prefixBytes ??= Buffer.from(this.#prefix, 'utf8');
    this.#suffixBytes ??= Buffer.from(this.#suffix, 'utf8');
    const prefix = this.#prefixBytes;
    const suffix = this.#suffixBytes;
    let digits = 1;
    for (let rest = seq; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    const bytes = Buffer.allocUnsafe(prefix.length + digits + suffix.length);
    bytes.set(prefix, 0);
    let at = prefix.length + digits;
    let rest = seq;
    do {
      at -= 1;
      bytes[at] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    bytes.set(suffix, prefix.length + digits);
    return bytes;
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
