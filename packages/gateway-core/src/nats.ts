/**
 * `@guildkit/gateway-core/nats`: the NATS adapters — an event bus on core pub/sub and resumable
 * sessions on JetStream (a stream for frames, a KV bucket for state). They take a connection the
 * caller creates and owns; `nats` is an optional peer dependency.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { NatsEventBus } from '@guildkit/gateway-core/nats';
 *
 * const bus = new NatsEventBus({ nodeId: 'node-a', connection: await connect({ servers: '127.0.0.1:4222' }) });
 * ```
 */
export {
  DEFAULT_NATS_EVENT_BUS_OPTIONS,
  NatsEventBus,
  type NatsEventBusOptions,
} from './bus/nats-event-bus.js';
export {
  DEFAULT_JETSTREAM_SESSION_STORE_OPTIONS,
  JetStreamSessionStore,
  type JetStreamSessionStoreOptions,
} from './resume/jetstream-session-store.js';
