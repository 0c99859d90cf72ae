export type { GatewayClientSendPayload, GatewayLazyRequest } from './application-frame.js';
export {
  DEFAULT_GATEWAY_CLIENT_OPTIONS,
  type GatewayClientDestroyOptions,
  type GatewayClientOptions,
} from './client-options.js';
export {
  type CloseAction,
  type CloseCodeAction,
  closeCodeAction,
  GATEWAY_CLOSE_CODE_ACTIONS,
} from './close-codes.js';
export {
  GatewayClientError,
  GatewayClientErrorCode,
  type GatewayClientErrorOptions,
} from './errors.js';
export type { CloseEvent, GatewayClientEvents, ReconnectingEvent } from './events.js';
export { GatewayClient } from './gateway-client.js';
export { buildGatewayUrl } from './gateway-url.js';
export {
  DEFAULT_RECONNECT_BACKOFF_OPTIONS,
  type ReconnectBackoffOptions,
  reconnectDelayMs,
} from './reconnect-backoff.js';
export {
  DEFAULT_SEND_RATE_LIMIT_OPTIONS,
  type SendRateLimitOptions,
} from './send-rate-limiter.js';
export type { Clock, Scheduler } from './time.js';
export type {
  GatewaySocket,
  GatewaySocketCloseEvent,
  GatewaySocketConstructor,
  GatewaySocketMessageEvent,
} from './web-socket.js';
export { ZlibStreamInflater } from './zlib-stream-inflater.js';
