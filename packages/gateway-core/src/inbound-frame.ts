import {
  GatewayCloseCodes,
  type GatewayHeartbeat,
  type GatewayIdentify,
  GatewayOpcodes,
  type GatewayRequestGuildMembers,
  type GatewayResume,
  type GatewayUpdatePresence,
  type GatewayVoiceStateUpdate,
} from 'discord-api-types/v10';
import {
  checkHeartbeat,
  checkIdentify,
  checkLazyRequest,
  checkPresence,
  checkRequestGuildMembers,
  checkResume,
  checkVoiceState,
  isObject,
} from './internal/shapes.js';

/**
 * Opcodes Guildkit adds to Discord's documented set. Op 14 is the opcode Discord's own client
 * uses to subscribe to lazy member lists; it is not part of the public bot API.
 *
 * @example
 * ```ts
 * import { GuildkitOpcodes } from '@guildkit/gateway-core';
 *
 * socket.send(JSON.stringify({ op: GuildkitOpcodes.LazyRequest, d: { guild_id, channels } }));
 * ```
 */
export const GuildkitOpcodes = {
  /** Subscribe to index ranges of a guild's member list, per channel. */
  LazyRequest: 14,
} as const;

/** The data of a LAZY_REQUEST (op 14): the member-list ranges a client wants, per channel. */
export interface GuildkitLazyRequestData {
  /** The guild whose member list is subscribed. */
  readonly guild_id: string;
  /** For each channel id, the inclusive index ranges `[start, end]` to keep in sync. */
  readonly channels: Readonly<Record<string, readonly (readonly [start: number, end: number])[]>>;
}

/** A LAZY_REQUEST frame (op 14). */
export interface GuildkitLazyRequest {
  /** Always {@link GuildkitOpcodes.LazyRequest}. */
  readonly op: typeof GuildkitOpcodes.LazyRequest;
  /** The subscription. */
  readonly d: GuildkitLazyRequestData;
}

/** Every client frame {@link decodeInboundFrame} accepts, discriminated by `op`. */
export type InboundFrame =
  | GatewayHeartbeat
  | GatewayIdentify
  | GatewayUpdatePresence
  | GatewayVoiceStateUpdate
  | GatewayResume
  | GatewayRequestGuildMembers
  | GuildkitLazyRequest;

/** The close codes a malformed client frame earns. */
export type InboundCloseCode = GatewayCloseCodes.UnknownOpcode | GatewayCloseCodes.DecodeError;

/** The outcome of {@link decodeInboundFrame}: a valid frame, or the close code to send. */
export type InboundFrameResult =
  | { readonly ok: true; readonly frame: InboundFrame }
  | { readonly ok: false; readonly closeCode: InboundCloseCode; readonly reason: string };

/** Discord closes a connection whose frame exceeds 4096 bytes with 4002. */
export const MAX_INBOUND_FRAME_BYTES = 4096;

const SHAPE_CHECKS: ReadonlyMap<number, (d: unknown) => string | undefined> = new Map<
  number,
  (d: unknown) => string | undefined
>([
  [GatewayOpcodes.Heartbeat, checkHeartbeat],
  [GatewayOpcodes.Identify, checkIdentify],
  [GatewayOpcodes.PresenceUpdate, checkPresence],
  [GatewayOpcodes.VoiceStateUpdate, checkVoiceState],
  [GatewayOpcodes.Resume, checkResume],
  [GatewayOpcodes.RequestGuildMembers, checkRequestGuildMembers],
  [GuildkitOpcodes.LazyRequest, checkLazyRequest],
]);

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeError(reason: string): InboundFrameResult {
  return { ok: false, closeCode: GatewayCloseCodes.DecodeError, reason };
}

/** Exact UTF-8 length of a string, stopping once it exceeds `limit`. */
function utf8LengthExceeds(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}

function toText(raw: string | Uint8Array): string | undefined {
  if (typeof raw === 'string')
    return utf8LengthExceeds(raw, MAX_INBOUND_FRAME_BYTES) ? undefined : raw;
  if (raw.byteLength > MAX_INBOUND_FRAME_BYTES) return undefined;
  return UTF8.decode(raw);
}

/**
 * Decodes and validates one frame a client sent, as Discord's gateway does: frames over 4096
 * bytes, text that is not UTF-8 or not JSON, and payloads of the wrong shape close with 4002
 * (decode error); an opcode a client may not send closes with 4001 (unknown opcode). Never
 * throws, whatever the input.
 *
 * Accepted client opcodes: 1 HEARTBEAT, 2 IDENTIFY, 3 PRESENCE_UPDATE, 4 VOICE_STATE_UPDATE,
 * 6 RESUME, 8 REQUEST_GUILD_MEMBERS and Guildkit's 14 LAZY_REQUEST. Unknown keys are ignored.
 * Semantic checks that need session state (intents 4013/4014, shard range 4010, sequence 4007)
 * are left to the caller.
 *
 * @param raw - the frame as received: text, or the bytes of a text frame.
 * @returns `{ ok: true, frame }` or `{ ok: false, closeCode, reason }`.
 * @see {@link https://discord.com/developers/docs/events/gateway#sending-events | Discord: sending events}
 * @example
 * ```ts
 * import { decodeInboundFrame } from '@guildkit/gateway-core';
 *
 * const result = decodeInboundFrame('{"op":1,"d":42}');
 * if (result.ok) result.frame; // { op: 1, d: 42 }
 * else socket.close(result.closeCode, result.reason);
 * ```
 */
export function decodeInboundFrame(raw: string | Uint8Array): InboundFrameResult {
  let parsed: unknown;
  try {
    const text = toText(raw);
    if (text === undefined) return decodeError(`frame exceeds ${MAX_INBOUND_FRAME_BYTES} bytes`);
    parsed = JSON.parse(text);
  } catch {
    return decodeError('frame is not valid UTF-8 JSON');
  }
  if (!isObject(parsed)) return decodeError('frame must be a JSON object');
  const op = parsed['op'];
  if (!Number.isInteger(op)) return decodeError('op must be an integer');
  const check = SHAPE_CHECKS.get(op as number);
  if (check === undefined) {
    return {
      ok: false,
      closeCode: GatewayCloseCodes.UnknownOpcode,
      reason: `op ${String(op)} is not a client opcode`,
    };
  }
  if (!('d' in parsed)) return decodeError('frame has no d');
  const d = parsed['d'];
  const reason = check(d);
  if (reason !== undefined) return decodeError(reason);
  return { ok: true, frame: { op, d } as InboundFrame };
}
