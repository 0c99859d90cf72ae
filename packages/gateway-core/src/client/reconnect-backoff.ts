import { GatewayClientError, GatewayClientErrorCode } from './errors.js';

/** Options of the reconnect backoff: exponential growth from `baseMs`, capped at `maxMs`. */
export interface ReconnectBackoffOptions {
  /** The ceiling of the first attempt's delay. @defaultValue 1000 */
  readonly baseMs?: number;
  /** The largest ceiling any attempt's delay may have. @defaultValue 60000 */
  readonly maxMs?: number;
}

/**
 * Defaults of {@link ReconnectBackoffOptions}.
 *
 * @example
 * ```ts
 * DEFAULT_RECONNECT_BACKOFF_OPTIONS.maxMs; // 60000
 * ```
 */
export const DEFAULT_RECONNECT_BACKOFF_OPTIONS = {
  baseMs: 1000,
  maxMs: 60_000,
} as const satisfies Required<ReconnectBackoffOptions>;

/**
 * Checks backoff options and fills in the defaults.
 *
 * @param options - the caller's options.
 * @returns the complete options.
 * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_OPTION` when `baseMs` is not positive
 * and finite or `maxMs` is below `baseMs`.
 */
export function resolveReconnectBackoff(
  options: ReconnectBackoffOptions = {},
): Required<ReconnectBackoffOptions> {
  const baseMs = options.baseMs ?? DEFAULT_RECONNECT_BACKOFF_OPTIONS.baseMs;
  const maxMs = options.maxMs ?? DEFAULT_RECONNECT_BACKOFF_OPTIONS.maxMs;
  if (!Number.isFinite(baseMs) || baseMs <= 0 || !Number.isFinite(maxMs) || maxMs < baseMs) {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidOption,
      `backoff needs 0 < baseMs <= maxMs, both finite; got ${baseMs} and ${maxMs}`,
    );
  }
  return { baseMs, maxMs };
}

/**
 * The delay before reconnect attempt `attempt`: "full jitter" exponential backoff, a uniform
 * draw in `[0, min(maxMs, baseMs * 2^(attempt - 1)))`, so many clients dropped at once do not
 * reconnect in step.
 *
 * @param attempt - 1 for the first reconnect after a success, then 2, 3, …
 * @param backoff - complete options (see {@link resolveReconnectBackoff}).
 * @param random - a draw in `[0, 1)`.
 * @returns the delay in whole ms.
 * @example
 * ```ts
 * reconnectDelayMs(3, { baseMs: 1000, maxMs: 60_000 }, () => 0.5); // 2000
 * ```
 */
export function reconnectDelayMs(
  attempt: number,
  backoff: Required<ReconnectBackoffOptions>,
  random: () => number,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
