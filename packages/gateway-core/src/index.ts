export type { Clock, Scheduler } from '@guildkit/snowflake';
export { type PreparedDispatch, prepareDispatch } from './dispatch-frame.js';
export { GatewayError, GatewayErrorCode } from './errors.js';
export {
  DEFAULT_FRAME_RATE_LIMITER_OPTIONS,
  FrameRateLimiter,
  type FrameRateLimiterOptions,
} from './frame-rate-limiter.js';
export {
  type AuthenticatedUser,
  DEFAULT_GATEWAY_CONNECTION_OPTIONS,
  GatewayConnection,
  type GatewayConnectionOptions,
} from './gateway-connection.js';
export {
  DEFAULT_GATEWAY_SERVER_OPTIONS,
  GatewayServer,
  type GatewayServerEvents,
  type GatewayServerOptions,
  SERVER_SHUTDOWN_CLOSE_CODE,
} from './gateway-server.js';
export {
  GatewaySession,
  type GatewaySessionInit,
  type SessionTransport,
} from './gateway-session.js';
export {
  decodeInboundFrame,
  type GuildkitLazyRequest,
  type GuildkitLazyRequestData,
  GuildkitOpcodes,
  type InboundCloseCode,
  type InboundFrame,
  type InboundFrameResult,
  MAX_INBOUND_FRAME_BYTES,
} from './inbound-frame.js';
export {
  checkIntents,
  DISPATCH_EVENT_INTENTS,
  type EventIntent,
  type IntentsCheck,
  KNOWN_INTENTS,
  PRIVILEGED_INTENTS,
  receivesDispatch,
} from './intents.js';
export {
  type MessageContentFields,
  needsContentStripping,
  stripMessageContent,
} from './message-content.js';
export {
  DEFAULT_REPLAY_BUFFER_OPTIONS,
  ReplayBuffer,
  type ReplayBufferOptions,
} from './replay-buffer.js';
export {
  MemorySessionRegistry,
  type MemorySessionRegistryOptions,
  type SessionRegistry,
} from './session-registry.js';
export {
  DEFAULT_TIMER_WHEEL_OPTIONS,
  type TimerHandle,
  TimerWheel,
  type TimerWheelOptions,
} from './timer-wheel.js';
