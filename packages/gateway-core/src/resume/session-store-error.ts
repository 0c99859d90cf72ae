/**
 * Codes a `SessionStore` rejects with beside `GatewayError`'s (`GK_GATEWAY_INVALID_OPTION`,
 * `GK_GATEWAY_INVALID_SEQUENCE`, `GK_GATEWAY_CLOSED`). Codes are stable.
 *
 * @example
 * ```ts
 * import { SessionStoreError, SessionStoreErrorCode } from '@guildkit/gateway-core';
 *
 * try {
 *   await store.append(sessionId, seq, frame);
 * } catch (error) {
 *   if (error instanceof SessionStoreError && error.code === SessionStoreErrorCode.UnknownSession) {
 *     // the session expired or was deleted: end it on this node too
 *   }
 * }
 * ```
 */
export const SessionStoreErrorCode = {
  /** An append or touch named a session the store does not hold (never created, deleted or expired). */
  UnknownSession: 'GK_GATEWAY_SESSION_UNKNOWN',
  /** The backend (Redis, NATS) failed or answered something unexpected; its error is the `cause`. */
  StoreFailed: 'GK_GATEWAY_SESSION_STORE_FAILED',
} as const;

/** One of the {@link SessionStoreErrorCode} values. */
export type SessionStoreErrorCode =
  (typeof SessionStoreErrorCode)[keyof typeof SessionStoreErrorCode];

/**
 * What a `SessionStore` rejects with when a session is unknown or its backend failed;
 * branch on {@link SessionStoreError.code}.
 *
 * @example
 * ```ts
 * store.append(id, seq, frame).catch((error: unknown) => {
 *   if (error instanceof SessionStoreError) log(error.code, error.cause);
 * });
 * ```
 */
export class SessionStoreError extends Error {
  override readonly name = 'SessionStoreError';

  /**
   * @param code - the stable code callers branch on.
   * @param message - a human-readable explanation.
   * @param options - standard error options, e.g. the backend's error as `cause`.
   */
  constructor(
    readonly code: SessionStoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
