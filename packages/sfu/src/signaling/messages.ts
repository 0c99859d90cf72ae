import { SfuError, SfuErrorCode } from '../errors.js';
import type { MediaDialect } from '../media/media-backend.js';

/**
 * What a client sends to an SFU node's signaling endpoint, in this order: `join` (with the voice
 * token from the VOICE_SERVER_UPDATE), `connect`, `produce`, and finally `leave` (or it closes
 * the connection). The `request` payloads are the backend's {@link MediaDialect}.
 */
export type VoiceClientMessage<D extends MediaDialect = MediaDialect> =
  | { readonly op: 'join'; readonly token: string; readonly request: D['joinRequest'] }
  | { readonly op: 'connect'; readonly request: D['connectRequest'] }
  | { readonly op: 'produce'; readonly request: D['produceRequest'] }
  | { readonly op: 'leave' };

/** The operations a client sends. */
export type VoiceClientOp = VoiceClientMessage['op'];

/**
 * What an SFU node's signaling endpoint sends to a client: `hello` first, an answer to each
 * request (`joined`, `connected`, `produced`, `left`, or `error`), and pushes (`consumer`,
 * `speaking`, and `left` when the node removes the client).
 */
export type VoiceServerMessage<D extends MediaDialect = MediaDialect> =
  | { readonly op: 'hello'; readonly hello: D['hello'] }
  | {
      readonly op: 'joined';
      readonly guildId: string;
      readonly channelId: string;
      readonly userId: string;
      readonly response: D['joinResponse'];
    }
  | { readonly op: 'connected' }
  | { readonly op: 'produced'; readonly response: D['produceResponse'] }
  | { readonly op: 'consumer'; readonly consumer: D['consumer'] }
  | { readonly op: 'speaking'; readonly userId: string; readonly speaking: boolean }
  | {
      readonly op: 'left';
      /** `request` for a client's `leave`, `replaced` when the user joined again elsewhere, `removed` when the node disconnected it. */
      readonly reason: 'request' | 'replaced' | 'removed';
    }
  | {
      readonly op: 'error';
      /** The request that failed, or `null` when the message could not be read. */
      readonly request: VoiceClientOp | null;
      readonly code: SfuErrorCode;
      readonly message: string;
    };

const CLIENT_OPS: ReadonlySet<string> = new Set<VoiceClientOp>([
  'join',
  'connect',
  'produce',
  'leave',
]);

function invalid(message: string): SfuError {
  return new SfuError(SfuErrorCode.InvalidSignal, message);
}

/**
 * Reads a client message: a JSON text or an already parsed value. Checks the envelope (`op`,
 * `token`, `request` present); the dialect payload is checked by the media room.
 *
 * @param raw - what arrived from the client.
 * @returns the message.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not JSON or not a client message.
 */
export function parseVoiceClientMessage(raw: unknown): VoiceClientMessage {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalid('a signaling message is JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('a signaling message is a JSON object');
  }
  const message = value as { op?: unknown; token?: unknown; request?: unknown };
  const op = message.op;
  if (typeof op !== 'string' || !CLIENT_OPS.has(op)) {
    throw invalid(`unknown op ${JSON.stringify(op)}: expected join, connect, produce or leave`);
  }
  if (op === 'leave') return { op };
  if (!('request' in message)) throw invalid(`a ${op} message carries a request`);
  if (op === 'join') {
    if (typeof message.token !== 'string' || message.token.length === 0) {
      throw invalid('a join message carries the voice token');
    }
    return { op, token: message.token, request: message.request };
  }
  return { op: op as 'connect' | 'produce', request: message.request };
}
