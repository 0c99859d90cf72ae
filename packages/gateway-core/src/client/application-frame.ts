import type { GatewayOpcodes, GatewaySendPayload } from 'discord-api-types/gateway/v10';
import { GatewayClientError, GatewayClientErrorCode } from './errors.js';

/** A LAZY_REQUEST (op 14): subscribe to index ranges of a guild's member list, per channel. */
export interface GatewayLazyRequest {
  /** Always 14. */
  readonly op: 14;
  /** The guild and, per channel id, the inclusive `[start, end]` ranges to keep in sync. */
  readonly d: {
    readonly guild_id: string;
    readonly channels: Readonly<Record<string, readonly (readonly [start: number, end: number])[]>>;
  };
}

/** What {@link GatewayClient.send} accepts: every client op except those the client sends itself. */
export type GatewayClientSendPayload =
  | Exclude<
      GatewaySendPayload,
      { op: GatewayOpcodes.Heartbeat | GatewayOpcodes.Identify | GatewayOpcodes.Resume }
    >
  | GatewayLazyRequest;

/** Discord's limit on a client frame. */
const MAX_FRAME_BYTES = 4096;
/** HEARTBEAT, IDENTIFY and RESUME: the client sends these itself. */
const CLIENT_OWNED_OPS: ReadonlySet<number> = new Set([1, 2, 6]);

/**
 * Serializes an application frame for `GatewayClient.send`, refusing what the gateway would
 * close the connection for.
 *
 * @param payload - the frame.
 * @returns the JSON text.
 * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_PAYLOAD` for op 1, 2 or 6, or a frame
 * over 4096 bytes of UTF-8.
 */
export function encodeApplicationFrame(payload: GatewayClientSendPayload): string {
  if (CLIENT_OWNED_OPS.has(payload.op)) {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidPayload,
      `op ${payload.op} is sent by the client itself`,
    );
  }
  const text = JSON.stringify(payload);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_FRAME_BYTES) {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidPayload,
      `frame is ${bytes} bytes; the gateway accepts at most ${MAX_FRAME_BYTES}`,
    );
  }
  return text;
}
