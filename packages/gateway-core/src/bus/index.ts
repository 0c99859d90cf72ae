export { BUS_ENVELOPE_VERSION, type BusEnvelope, type JsonValue } from './envelope.js';
export {
  ALL_GUILDS,
  type BusEvent,
  type BusEventHandler,
  type BusGap,
  type BusSubscription,
  type EventBus,
  type EventBusEvents,
  type EventBusOptions,
  type EventBusStats,
  type GuildSelector,
} from './event-bus.js';
export { GuildPlacement, type GuildPlacementOptions } from './guild-placement.js';
export {
  MemoryEventBus,
  type MemoryEventBusOptions,
  MemoryEventHub,
  type MemoryHubReceiver,
} from './memory-event-bus.js';
export {
  DEFAULT_REORDER_BUFFER_OPTIONS,
  type GapReason,
  type PushOutcome,
  ReorderBuffer,
  type ReorderBufferOptions,
  type ReorderSink,
  type SequenceGap,
} from './reorder-buffer.js';
export { DEFAULT_EVENT_BUS_OPTIONS, TransportEventBus } from './transport-event-bus.js';
