export type { Clock, Scheduler } from '@guildkit/snowflake';
export * from './bus/index.js';
export {
  type DispatchPriority,
  LOW_PRIORITY_EVENTS,
  type PrepareDispatchOptions,
  type PreparedDispatch,
  prepareDispatch,
} from './dispatch-frame.js';
export { GatewayError, GatewayErrorCode } from './errors.js';
export {
  type AudiencePredicate,
  DEFAULT_FAN_OUT_OPTIONS,
  type FanOutDispatch,
  type FanOutRelay,
  type FanOutResult,
  GatewayFanOut,
  type GatewayFanOutOptions,
  PASSIVE_UPDATE_EVENT,
  type PassiveSessionOptions,
} from './fan-out.js';
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
  type GuildLoadContext,
} from './gateway-connection.js';
export {
  DEFAULT_GATEWAY_SERVER_OPTIONS,
  GatewayServer,
  type GatewayServerEvents,
  type GatewayServerObserver,
  type GatewayServerOptions,
  SERVER_SHUTDOWN_CLOSE_CODE,
  type SentFrameKind,
} from './gateway-server.js';
export {
  DEFAULT_SEND_QUEUE_LIMITS,
  GatewaySession,
  type GatewaySessionInit,
  SEND_QUEUE_OVERFLOW_CLOSE_CODE,
  type SendQueueLimits,
  type SessionJournal,
  type SessionTransport,
} from './gateway-session.js';
export {
  DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS,
  type GuildMemberRequestResult,
  type GuildMemberRequestSession,
  GuildMemberRequests,
  type GuildMemberRequestsOptions,
  type GuildMemberSource,
} from './guild-member-requests.js';
export {
  DEFAULT_IDENTIFY_LIMITER_OPTIONS,
  type IdentifyAdmission,
  IdentifyLimiter,
  type IdentifyLimiterOptions,
} from './identify-limiter.js';
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
  PASSIVE_STRUCTURE_EVENTS,
  type PassiveReach,
  passiveReach,
} from './passive/passive-reach.js';
export type { UnreadMarker } from './passive/unread-markers.js';
export { aggregatePresence, visiblePresenceEquals } from './presence/aggregate-presence.js';
export {
  type PresenceCloseCode,
  PresenceError,
  PresenceErrorCode,
} from './presence/presence-error.js';
export {
  MemoryPresenceStore,
  type MemoryPresenceStoreOptions,
  type PresenceStore,
  type StoredSessionPresence,
} from './presence/presence-store.js';
export {
  DEFAULT_PRESENCE_TRACKER_OPTIONS,
  type PresenceSessionInit,
  PresenceTracker,
  type PresenceTrackerEvents,
  type PresenceTrackerOptions,
  type PresenceUpdateResult,
} from './presence/presence-tracker.js';
export {
  OFFLINE_PRESENCE,
  type PresenceDevice,
  type PresenceUpdate,
  type SessionPresence,
  type SessionStatus,
  type VisiblePresence,
} from './presence/presence-types.js';
export { presenceDeviceOf } from './presence/server-presence.js';
export {
  DEFAULT_TYPING_THROTTLE_OPTIONS,
  TypingThrottle,
  type TypingThrottleOptions,
} from './presence/typing-throttle.js';
export {
  PRESENCE_UPDATE_LIMITS,
  type PresenceValidation,
  validatePresenceUpdate,
} from './presence/validate-presence-update.js';
export {
  DEFAULT_REPLAY_BUFFER_OPTIONS,
  ReplayBuffer,
  type ReplayBufferOptions,
} from './replay-buffer.js';
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
} from './resume/memory-session-store.js';
export {
  DEFAULT_SESSION_STORE_OPTIONS,
  type SessionAppend,
  type SessionStateInit,
  type SessionStore,
  type SessionStoreOptions,
  type StoredSessionState,
} from './resume/session-store.js';
export { SessionStoreError, SessionStoreErrorCode } from './resume/session-store-error.js';
export { BusFanOut, type BusFanOutOptions } from './scale/bus-fan-out.js';
export { SharedSessions, type SharedSessionsOptions } from './scale/shared-sessions.js';
export {
  SESSION_FENCED_CLOSE_CODE,
  StoreJournal,
  type StoreJournalOptions,
} from './scale/store-journal.js';
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
