import type {
  GatewayIdentifyProperties,
  GatewayPresenceUpdateData,
} from 'discord-api-types/gateway/v10';
import { GatewayClientError, GatewayClientErrorCode } from './errors.js';
import type { ReconnectBackoffOptions } from './reconnect-backoff.js';
import type { SendRateLimitOptions } from './send-rate-limiter.js';
import type { Clock, Scheduler } from './time.js';
import type { GatewaySocketConstructor } from './web-socket.js';

/** Options of a {@link GatewayClient}. */
export interface GatewayClientOptions {
  /** The gateway URL (`ws:` or `wss:`); `v=10&encoding=json` is added, other query kept. */
  readonly url: string;
  /** The token sent in IDENTIFY and RESUME. */
  readonly token: string;
  /** The intents bitfield (`GatewayIntentBits`). */
  readonly intents: number;
  /** `[shard_id, shard_count]`. @defaultValue none (the server assumes `[0, 1]`) */
  readonly shard?: readonly [shardId: number, shardCount: number];
  /** IDENTIFY's connection properties. @defaultValue `DEFAULT_GATEWAY_CLIENT_OPTIONS.properties` */
  readonly properties?: GatewayIdentifyProperties;
  /** IDENTIFY's `large_threshold` (50..250). @defaultValue none (the server uses 50) */
  readonly largeThreshold?: number;
  /** IDENTIFY's initial presence. @defaultValue none */
  readonly presence?: GatewayPresenceUpdateData;
  /** Ask for `compress=zlib-stream` transport compression. @defaultValue false */
  readonly compress?: boolean;
  /** The WebSocket constructor, e.g. `ws`'s on Node 20. @defaultValue `globalThis.WebSocket` */
  readonly WebSocket?: GatewaySocketConstructor;
  /** Measures the ping and the send budget. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /** Runs heartbeat and reconnect timers. @defaultValue the platform's `setTimeout` */
  readonly scheduler?: Scheduler;
  /** Draws in `[0, 1)` for heartbeat and reconnect jitter. @defaultValue `Math.random` */
  readonly random?: () => number;
  /** Reconnect backoff. @defaultValue `DEFAULT_RECONNECT_BACKOFF_OPTIONS` (1 s base, 60 s cap) */
  readonly backoff?: ReconnectBackoffOptions;
  /** Per-connection send budget. @defaultValue `DEFAULT_SEND_RATE_LIMIT_OPTIONS` (120 per 60 s) */
  readonly rateLimit?: SendRateLimitOptions;
}

/**
 * Defaults of {@link GatewayClientOptions}.
 *
 * @example
 * ```ts
 * DEFAULT_GATEWAY_CLIENT_OPTIONS.properties.browser; // '@guildkit/gateway-core'
 * ```
 */
export const DEFAULT_GATEWAY_CLIENT_OPTIONS = {
  compress: false,
  properties: {
    os: 'unknown',
    browser: '@guildkit/gateway-core',
    device: '@guildkit/gateway-core',
  },
} as const satisfies Required<Pick<GatewayClientOptions, 'compress' | 'properties'>>;

/** Options of {@link GatewayClient.destroy}. */
export interface GatewayClientDestroyOptions {
  /** Close code: 1000, or 3000..4999. @defaultValue 1000, or 4000 when `resumable` */
  readonly code?: number;
  /** Keep the session so that a later {@link GatewayClient.connect} resumes it. @defaultValue false */
  readonly resumable?: boolean;
}

/** The close code of the client's own resumable closes (zombie, RECONNECT, a bad frame). */
export const RESUMABLE_CLOSE_CODE = 4000;
/** The close code that ends the server's session. */
export const NORMAL_CLOSE_CODE = 1000;

/**
 * Checks {@link GatewayClientDestroyOptions} and fills in the defaults.
 *
 * @param options - the caller's options.
 * @returns the close code and whether the session is kept.
 * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_OPTION` for a code outside 1000 and
 * 3000..4999 (the codes a browser WebSocket may close with), or 1000 with `resumable`.
 */
export function resolveDestroyOptions(
  options: GatewayClientDestroyOptions,
): Required<GatewayClientDestroyOptions> {
  const resumable = options.resumable ?? false;
  const code = options.code ?? (resumable ? RESUMABLE_CLOSE_CODE : NORMAL_CLOSE_CODE);
  const allowed =
    code === NORMAL_CLOSE_CODE || (Number.isInteger(code) && code >= 3000 && code <= 4999);
  if (!allowed || (resumable && code === NORMAL_CLOSE_CODE)) {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidOption,
      `cannot close with ${code}${resumable ? ' and keep the session resumable' : ''}`,
    );
  }
  return { code, resumable };
}
