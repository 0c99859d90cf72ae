import {
  type GatewayIdentify,
  GatewayOpcodes,
  type GatewayResume,
} from 'discord-api-types/gateway/v10';
import { DEFAULT_GATEWAY_CLIENT_OPTIONS, type GatewayClientOptions } from './client-options.js';

/**
 * The IDENTIFY (op 2) a client with these options sends; unset options are left out.
 *
 * @param options - the client's options.
 * @returns the frame.
 */
export function identifyPayload(options: GatewayClientOptions): GatewayIdentify {
  const { token, intents, shard, largeThreshold, presence } = options;
  return {
    op: GatewayOpcodes.Identify,
    d: {
      token,
      intents,
      properties: options.properties ?? DEFAULT_GATEWAY_CLIENT_OPTIONS.properties,
      ...(shard === undefined ? {} : { shard: [shard[0], shard[1]] }),
      ...(largeThreshold === undefined ? {} : { large_threshold: largeThreshold }),
      ...(presence === undefined ? {} : { presence }),
    },
  };
}

/**
 * The RESUME (op 6) of a kept session.
 *
 * @param token - the client's token.
 * @param sessionId - READY's `session_id`.
 * @param seq - the last sequence number received (`null` counts as 0).
 * @returns the frame.
 */
export function resumePayload(token: string, sessionId: string, seq: number | null): GatewayResume {
  return { op: GatewayOpcodes.Resume, d: { token, session_id: sessionId, seq: seq ?? 0 } };
}
