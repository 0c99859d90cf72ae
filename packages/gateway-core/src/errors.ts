/**
 * Every code that `@guildkit/gateway-core` throws. These are programmer errors (bad options,
 * out-of-order sequence numbers, unserializable payloads); what a *client* does wrong is never
 * thrown but answered with a gateway close code (see {@link decodeInboundFrame}). Codes are
 * stable: renaming one is a breaking change; messages may change.
 *
 * @example
 * ```ts
 * import { GatewayError, GatewayErrorCode, ReplayBuffer } from '@guildkit/gateway-core';
 *
 * try {
 *   new ReplayBuffer({ capacity: 0 });
 * } catch (error) {
 *   if (error instanceof GatewayError && error.code === GatewayErrorCode.InvalidOption) {
 *     // capacity must be a positive safe integer
 *   }
 * }
 * ```
 */
export const GatewayErrorCode = {
  /** An option (capacity, tick length, slot count, rate limit) is out of range. */
  InvalidOption: 'GK_GATEWAY_INVALID_OPTION',
  /** A sequence number is not a safe integer in range, or not the next one of a session. */
  InvalidSequence: 'GK_GATEWAY_INVALID_SEQUENCE',
  /** A dispatch payload or event name cannot be serialized to JSON. */
  InvalidPayload: 'GK_GATEWAY_INVALID_PAYLOAD',
  /** A timer deadline is not a finite number. */
  InvalidDeadline: 'GK_GATEWAY_INVALID_DEADLINE',
  /** A timer wheel or gateway server was used after its `close()`. */
  Closed: 'GK_GATEWAY_CLOSED',
  /** {@link GatewayServer.listen} could not bind its port (the system error is the `cause`). */
  ListenFailed: 'GK_GATEWAY_LISTEN_FAILED',
} as const;

/** One of the {@link GatewayErrorCode} values. */
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/**
 * The error `@guildkit/gateway-core` throws; branch on {@link GatewayError.code}.
 *
 * @example
 * ```ts
 * import { GatewayError, prepareDispatch } from '@guildkit/gateway-core';
 *
 * try {
 *   prepareDispatch('MESSAGE_CREATE', { id: 1n });
 * } catch (error) {
 *   if (error instanceof GatewayError) console.error(error.code); // GK_GATEWAY_INVALID_PAYLOAD
 * }
 * ```
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  /**
   * @param code - the stable code callers branch on.
   * @param message - a human-readable explanation.
   * @param options - standard error options, e.g. a `cause`.
   */
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
