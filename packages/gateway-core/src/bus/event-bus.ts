import type { Clock, Scheduler } from '@guildkit/snowflake';
import type { EventEmitter } from 'eventemitter3';
import type { GatewayError } from '../errors.js';
import type { BusEnvelope } from './envelope.js';
import type { GapReason } from './reorder-buffer.js';

/** What a subscription listens to: one guild's id, or `'*'` for every guild. */
export type GuildSelector = string;

/** The selector that matches every guild. */
export const ALL_GUILDS = '*';

/** One guild event as a subscriber receives it: the envelope its publisher sent. */
export type BusEvent = BusEnvelope;

/** Receives a subscription's events, one call per event, in each stream's order. */
export type BusEventHandler = (event: BusEvent) => void;

/** A live subscription; {@link EventBus.subscribe} returns it once the transport listens. */
export interface BusSubscription {
  /** What it listens to. */
  readonly selector: GuildSelector;
  /**
   * Stops the handler at once (no call after this returns) and releases the transport's
   * subscription once no other subscription needs it. Idempotent.
   *
   * @returns when the transport has let go.
   */
  unsubscribe(): Promise<void>;
}

/** A run of one stream's events that a subscriber gave up on. */
export interface BusGap {
  /** The guild. */
  readonly guildId: string;
  /** The publishing node. */
  readonly origin: string;
  /** The publishing node's incarnation. */
  readonly incarnation: number;
  /** The first missing sequence. */
  readonly fromSeq: number;
  /** The last missing sequence (inclusive). */
  readonly toSeq: number;
  /** Why: see {@link GapReason}. */
  readonly reason: GapReason;
}

/**
 * Background facts an {@link EventBus} reports. Nothing a caller awaits is reported here: those
 * calls reject.
 */
export interface EventBusEvents {
  /** Some events of a stream never arrived; the ones after them are being delivered. */
  gap: [gap: BusGap];
  /** A message on a guild subject was not a valid envelope (code `GK_GATEWAY_INVALID_PAYLOAD`). */
  malformed: [error: GatewayError];
  /** A subscription handler or an event listener threw; delivery went on. */
  listenerError: [error: unknown];
  /**
   * The transport reported a failure outside any call (e.g. the server refused a
   * subscription): code `GK_GATEWAY_CLOSED`, the driver's error as the `cause`.
   */
  transportError: [error: GatewayError];
}

/** Counters and gauges of one bus, for a metrics layer. */
export interface EventBusStats {
  /** Events this bus published. */
  readonly published: number;
  /** Events handed to subscriptions (each counted once however many handlers it reached). */
  readonly delivered: number;
  /** Events dropped because they were already delivered, skipped, or from an old incarnation. */
  readonly duplicates: number;
  /** Gaps reported. */
  readonly gaps: number;
  /** Sequences skipped inside those gaps. */
  readonly missed: number;
  /** Messages that were not valid envelopes. */
  readonly malformed: number;
  /** Out-of-order events held right now, waiting for a missing one. */
  readonly buffered: number;
  /**
   * Publish-to-delivery time of the latest delivered event, in ms: the receiver's clock minus
   * the origin's `publishedAt`, so it includes clock skew between nodes. 0 before the first.
   */
  readonly lagMs: number;
}

/**
 * Guild events shared between gateway nodes. Each guild's events are published by the node
 * that owns the guild (see {@link GuildPlacement}) and reach every node subscribed to it, in
 * the order they were published.
 *
 * **Ordering.** The publishing bus numbers each guild's events 1, 2, 3, … (`seq`) within its
 * incarnation; `(origin, incarnation, guildId)` is a stream. A receiving bus delivers each
 * stream strictly in `seq` order: an event that arrives ahead of a missing one is held for at
 * most `reorderWindowMs` (or until `maxBufferedPerStream` are held), then the missing run is
 * reported as a `gap` event and delivery goes on; duplicates are dropped. A greater incarnation
 * of the same origin (a restarted node) supersedes the old stream. Events of different streams
 * (other guilds, or the old and the new owner during a hand-off) are not ordered among
 * themselves. A stream's first event seen by a bus starts it: a subscriber that joins
 * mid-stream does not wait for what came before.
 *
 * A bus receives its own events when it subscribes to their guild, so the owner's local
 * sessions and remote ones take the same path.
 *
 * @example
 * ```ts
 * import { MemoryEventBus } from '@guildkit/gateway-core';
 *
 * const bus = new MemoryEventBus({ nodeId: 'gateway-a' });
 * const subscription = await bus.subscribe('81384788765712384', (event) => {
 *   fanOut.dispatchToGuild(event.guildId, { t: event.event, d: event.data });
 * });
 * await bus.publish('81384788765712384', 'MESSAGE_CREATE', message);
 * await subscription.unsubscribe();
 * await bus.close();
 * ```
 */
export interface EventBus extends EventEmitter<EventBusEvents> {
  /** This node's id, the `origin` of everything it publishes. */
  readonly nodeId: string;
  /** This bus's incarnation: a restart must choose a greater one. */
  readonly incarnation: number;
  /** {@link EventBusStats.lagMs}: the latest publish-to-delivery time in ms. */
  readonly lagMs: number;
  /** Whether {@link close} was called. */
  readonly closed: boolean;
  /**
   * Publishes one event of a guild. Its sequence is taken synchronously, so calls made in a
   * row are ordered even when their promises are not awaited one by one.
   *
   * @param guildId - the guild, a snowflake string.
   * @param event - the event name, non-empty.
   * @param data - the payload; it reaches subscribers as `JSON.parse(JSON.stringify(data))`.
   * @returns the event's sequence in its stream, once the transport took it.
   * @throws GatewayError (as a rejection) `GK_GATEWAY_INVALID_PAYLOAD` when `guildId` is not a
   * snowflake, `event` is empty or `data` cannot be serialized; `GK_GATEWAY_CLOSED` after
   * {@link close} or when the transport's connection is closed (its error is the `cause`).
   */
  publish(guildId: string, event: string, data: unknown): Promise<number>;
  /**
   * Subscribes a handler to one guild's events, or to every guild's with `'*'`.
   *
   * @param selector - a guild id or {@link ALL_GUILDS}.
   * @param handler - called once per event, in each stream's order; a throw is reported as
   * `listenerError` and does not stop delivery.
   * @returns the subscription, once events published after this point will reach it.
   * @throws GatewayError (as a rejection) `GK_GATEWAY_INVALID_PAYLOAD` when `selector` is
   * neither a snowflake nor `'*'`; `GK_GATEWAY_CLOSED` after {@link close} or when the
   * transport's connection is closed (its error is the `cause`).
   */
  subscribe(selector: GuildSelector, handler: BusEventHandler): Promise<BusSubscription>;
  /**
   * Counters and gauges for a metrics layer.
   *
   * @returns a snapshot.
   */
  stats(): EventBusStats;
  /**
   * Ends every subscription, drops held events and lets go of the transport. Connections
   * passed in by the caller stay open: the caller closes them. Idempotent.
   *
   * @returns when the transport has let go.
   */
  close(): Promise<void>;
}

/** Options every {@link EventBus} implementation takes. */
export interface EventBusOptions {
  /** This node's id, unique among the nodes sharing the bus. */
  readonly nodeId: string;
  /**
   * This life of the node; must grow across restarts of the same `nodeId`.
   * @defaultValue the clock's time at construction (greater than any earlier default of this
   * process)
   */
  readonly incarnation?: number;
  /** Time for `publishedAt`, lag and the reorder window. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /** Timers for the reorder window. @defaultValue `setTimeout` */
  readonly scheduler?: Scheduler;
  /**
   * How long a missing event is waited for: see `ReorderBufferOptions.windowMs`.
   * @defaultValue 1000
   */
  readonly reorderWindowMs?: number;
  /**
   * How many out-of-order events one stream may hold: see `ReorderBufferOptions.maxBuffered`.
   * @defaultValue 1024
   */
  readonly maxBufferedPerStream?: number;
}
