/**
 * Every code the gateway client throws, rejects with or emits as `error`. Codes are stable:
 * renaming one is a breaking change; messages may change.
 *
 * @example
 * ```ts
 * import { GatewayClientError, GatewayClientErrorCode } from '@guildkit/gateway-core/client';
 *
 * client.on('error', (error) => {
 *   if (error.code === GatewayClientErrorCode.FatalClose) console.error(error.closeCode); // e.g. 4004
 * });
 * ```
 */
export const GatewayClientErrorCode = {
  /** An option is invalid: a URL that is not `ws:`/`wss:`, a backoff or close code out of range. */
  InvalidOption: 'GK_GATEWAY_CLIENT_INVALID_OPTION',
  /** No WebSocket constructor was passed and `globalThis.WebSocket` does not exist. */
  NoWebSocket: 'GK_GATEWAY_CLIENT_NO_WEBSOCKET',
  /** The server closed with a code after which the client must not reconnect (see `closeCode`). */
  FatalClose: 'GK_GATEWAY_CLIENT_FATAL_CLOSE',
  /** `destroy()` was called while a `connect()` was pending. */
  Destroyed: 'GK_GATEWAY_CLIENT_DESTROYED',
  /** `send()` was called while no session is READY or RESUMED on an open socket. */
  NotReady: 'GK_GATEWAY_CLIENT_NOT_READY',
  /** `send()` would exceed the per-connection frame budget (120 per 60 s by default). */
  RateLimited: 'GK_GATEWAY_CLIENT_RATE_LIMITED',
  /** `send()` got an op the client sends itself (1, 2, 6) or a frame over 4096 bytes. */
  InvalidPayload: 'GK_GATEWAY_CLIENT_INVALID_PAYLOAD',
} as const;

/** One of the {@link GatewayClientErrorCode} values. */
export type GatewayClientErrorCode =
  (typeof GatewayClientErrorCode)[keyof typeof GatewayClientErrorCode];

/** Options of a {@link GatewayClientError} beyond the standard `cause`. */
export interface GatewayClientErrorOptions extends ErrorOptions {
  /** The WebSocket close code that caused the error, for {@link GatewayClientErrorCode.FatalClose}. */
  readonly closeCode?: number;
}

/**
 * The error the gateway client throws, rejects with and emits; branch on
 * {@link GatewayClientError.code}. A close code from the server is kept apart in
 * {@link GatewayClientError.closeCode}.
 *
 * @example
 * ```ts
 * import { GatewayClientError } from '@guildkit/gateway-core/client';
 *
 * try {
 *   await client.connect();
 * } catch (error) {
 *   if (error instanceof GatewayClientError && error.closeCode === 4004) {
 *     // the token is wrong
 *   }
 * }
 * ```
 */
export class GatewayClientError extends Error {
  override readonly name = 'GatewayClientError';
  /** The WebSocket close code behind the error, when there is one. */
  readonly closeCode: number | undefined;

  /**
   * @param code - the stable code callers branch on.
   * @param message - a human-readable explanation.
   * @param options - a `cause` and, for a fatal close, the `closeCode`.
   */
  constructor(
    readonly code: GatewayClientErrorCode,
    message: string,
    options: GatewayClientErrorOptions = {},
  ) {
    super(message, options);
    this.closeCode = options.closeCode;
  }
}
