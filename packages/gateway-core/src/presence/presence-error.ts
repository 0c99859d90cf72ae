import { GatewayCloseCodes } from 'discord-api-types/v10';

/**
 * Codes of presence faults, each with the gateway close code the server answers with. A
 * client's faults (invalid payload, rate limit, unknown session) are returned, never thrown;
 * only a store failure rejects. Codes are stable.
 *
 * @example
 * ```ts
 * import { PresenceErrorCode } from '@guildkit/gateway-core';
 *
 * if (result.ok === false && result.error.code === PresenceErrorCode.RateLimited) metrics.inc();
 * ```
 */
export const PresenceErrorCode = {
  /**
   * A PRESENCE_UPDATE (op 3) payload, or IDENTIFY's `presence`, is malformed or out of bounds:
   * close 4001. Discord documents 4001 as "an invalid opcode *or an invalid payload for an
   * opcode*", and its gateway answers a malformed op 3 with 4001 (discord-api-docs issues
   * #2226, #3854).
   */
  InvalidPresence: 'GK_GATEWAY_INVALID_PRESENCE',
  /** More PRESENCE_UPDATEs than the per-session budget allows: close 4008. */
  PresenceRateLimited: 'GK_GATEWAY_PRESENCE_RATE_LIMITED',
  /**
   * A presence for a session the tracker does not know (never connected, or disconnected):
   * close 4003, Discord's "payload prior to identifying, or this session has been invalidated".
   */
  UnknownSession: 'GK_GATEWAY_PRESENCE_UNKNOWN_SESSION',
  /**
   * The {@link PresenceStore} failed (the store's error is the `cause`): close 4000 (unknown
   * error), so the client reconnects and resumes. Also what the tracker's `error` event carries
   * when a background read fails.
   */
  StoreFailed: 'GK_GATEWAY_PRESENCE_STORE_FAILED',
} as const;

/** One of the {@link PresenceErrorCode} values. */
export type PresenceErrorCode = (typeof PresenceErrorCode)[keyof typeof PresenceErrorCode];

/** The gateway close code each {@link PresenceErrorCode} maps to. */
const CLOSE_CODES = {
  [PresenceErrorCode.InvalidPresence]: GatewayCloseCodes.UnknownOpcode,
  [PresenceErrorCode.PresenceRateLimited]: GatewayCloseCodes.RateLimited,
  [PresenceErrorCode.UnknownSession]: GatewayCloseCodes.NotAuthenticated,
  [PresenceErrorCode.StoreFailed]: GatewayCloseCodes.UnknownError,
} as const satisfies Record<PresenceErrorCode, GatewayCloseCodes>;

/** The close codes a {@link PresenceError} carries: 4000, 4001, 4003 or 4008. */
export type PresenceCloseCode = (typeof CLOSE_CODES)[PresenceErrorCode];

/**
 * A client's presence fault: a stable `code` and, apart from it (as `ws` keeps a close status
 * apart from its error code), the gateway `closeCode` to close the socket with.
 *
 * @example
 * ```ts
 * const result = await tracker.updateFromClient(sessionId, frame.d);
 * if (!result.ok) socket.close(result.error.closeCode, result.error.message);
 * ```
 */
export class PresenceError extends Error {
  override readonly name = 'PresenceError';
  /** The gateway close code to answer the client with (see {@link PresenceErrorCode}). */
  readonly closeCode: PresenceCloseCode;

  /**
   * @param code - the stable code; it decides {@link PresenceError.closeCode}.
   * @param message - a human-readable reason, short enough for a close frame (≤ 123 bytes).
   * @param options - standard error options, e.g. the store's error as `cause`.
   */
  constructor(
    readonly code: PresenceErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.closeCode = CLOSE_CODES[code];
  }
}
