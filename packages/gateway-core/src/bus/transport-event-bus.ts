import type { Clock, Scheduler } from '@guildkit/snowflake';
import { EventEmitter } from 'eventemitter3';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from '../internal/system-time.js';
import { type BusEnvelope, decodeEnvelope, encodeEnvelope, isGuildId } from './envelope.js';
import {
  ALL_GUILDS,
  type BusEventHandler,
  type BusGap,
  type BusSubscription,
  type EventBus,
  type EventBusEvents,
  type EventBusOptions,
  type EventBusStats,
  type GuildSelector,
} from './event-bus.js';
import { InboundStreams } from './inbound-streams.js';
import { checkReorderBufferOptions, DEFAULT_REORDER_BUFFER_OPTIONS } from './reorder-buffer.js';

/**
 * Defaults of {@link EventBusOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_EVENT_BUS_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_EVENT_BUS_OPTIONS.reorderWindowMs; // 1000
 * ```
 */
export const DEFAULT_EVENT_BUS_OPTIONS = {
  reorderWindowMs: DEFAULT_REORDER_BUFFER_OPTIONS.windowMs,
  maxBufferedPerStream: DEFAULT_REORDER_BUFFER_OPTIONS.maxBuffered,
} as const satisfies Required<Pick<EventBusOptions, 'reorderWindowMs' | 'maxBufferedPerStream'>>;

interface HandlerEntry {
  readonly handler: BusEventHandler;
  active: boolean;
}

interface SelectorState {
  readonly handlers: Set<HandlerEntry>;
  /** Settles when the transport listens (or failed to). */
  readonly ready: Promise<void>;
}

/** Default incarnations of this process, so two buses built in one millisecond still differ. */
let lastDefaultIncarnation = 0;

function defaultIncarnation(clock: Clock): number {
  lastDefaultIncarnation = Math.max(Math.floor(clock.now()), lastDefaultIncarnation + 1);
  return lastDefaultIncarnation;
}

/**
 * An {@link EventBus} over any message transport: sequencing, envelopes, validation, the
 * reorder window, subscriptions and statistics live here; an adapter only moves text. It
 * implements the four transport hooks and calls {@link TransportEventBus.receive} for every
 * message that arrives on a guild subject it listens to. `MemoryEventBus`, `NatsEventBus` and
 * `RedisEventBus` are such adapters.
 *
 * A hook that fails should throw or reject; the bus reports that to its caller as
 * `GK_GATEWAY_CLOSED` with the hook's error as the `cause`.
 *
 * @example
 * ```ts
 * import { TransportEventBus } from '@guildkit/gateway-core';
 *
 * class BroadcastChannelBus extends TransportEventBus {
 *   readonly #channel = new BroadcastChannel('guildkit');
 *   constructor(nodeId: string) {
 *     super({ nodeId });
 *     this.#channel.onmessage = (message) => this.receive(message.data);
 *   }
 *   protected transmit(_guildId: string, text: string): void {
 *     this.#channel.postMessage(text);
 *   }
 *   protected listen(): void {}
 *   protected unlisten(): void {}
 *   protected release(): void {
 *     this.#channel.close();
 *   }
 * }
 * ```
 */
export abstract class TransportEventBus extends EventEmitter<EventBusEvents> implements EventBus {
  /** {@inheritDoc EventBus.nodeId} */
  readonly nodeId: string;
  /** {@inheritDoc EventBus.incarnation} */
  readonly incarnation: number;
  readonly #clock: Clock;
  readonly #inbound: InboundStreams;
  readonly #selectors = new Map<GuildSelector, SelectorState>();
  readonly #transportOps = new Map<GuildSelector, Promise<void>>();
  readonly #sequences = new Map<string, number>();
  readonly #queue: (() => void)[] = [];
  #draining = false;
  #closing: Promise<void> | undefined;
  #published = 0;
  #delivered = 0;
  #duplicates = 0;
  #gaps = 0;
  #missed = 0;
  #malformed = 0;
  #lagMs = 0;

  /**
   * @param options - the node id, time sources and reorder window.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `nodeId` is empty, `incarnation` is
   * not a non-negative safe integer, `reorderWindowMs` is not a finite number ≥ 0 or
   * `maxBufferedPerStream` is not a positive safe integer.
   */
  protected constructor(options: EventBusOptions) {
    super();
    if (typeof options.nodeId !== 'string' || options.nodeId.length === 0) {
      throw new GatewayError(GatewayErrorCode.InvalidOption, 'nodeId must be a non-empty string');
    }
    const { incarnation } = options;
    if (incarnation !== undefined && !(Number.isSafeInteger(incarnation) && incarnation >= 0)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `incarnation must be a non-negative safe integer, got ${String(incarnation)}`,
      );
    }
    const windowMs = options.reorderWindowMs ?? DEFAULT_EVENT_BUS_OPTIONS.reorderWindowMs;
    const maxBuffered =
      options.maxBufferedPerStream ?? DEFAULT_EVENT_BUS_OPTIONS.maxBufferedPerStream;
    checkReorderBufferOptions({ windowMs, maxBuffered });
    const clock = options.clock ?? SYSTEM_CLOCK;
    const scheduler: Scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.nodeId = options.nodeId;
    this.incarnation = incarnation ?? defaultIncarnation(clock);
    this.#clock = clock;
    this.#inbound = new InboundStreams({
      clock,
      scheduler,
      windowMs,
      maxBuffered,
      deliver: (envelope) => this.#deliver(envelope),
      gap: (gap) => this.#gap(gap),
      enqueue: (task) => this.#enqueue(task),
    });
  }

  /** {@inheritDoc EventBus.lagMs} */
  get lagMs(): number {
    return this.#lagMs;
  }

  /** {@inheritDoc EventBus.closed} */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** {@inheritDoc EventBus.publish} */
  async publish(guildId: string, event: string, data: unknown): Promise<number> {
    this.#assertOpen();
    const seq = (this.#sequences.get(guildId) ?? 0) + 1;
    const text = encodeEnvelope({
      origin: this.nodeId,
      incarnation: this.incarnation,
      guildId,
      seq,
      event,
      publishedAt: this.#clock.now(),
      data,
    });
    this.#sequences.set(guildId, seq);
    this.#published++;
    try {
      await this.transmit(guildId, text);
    } catch (cause) {
      throw transportError('publish', cause);
    }
    return seq;
  }

  /** {@inheritDoc EventBus.subscribe} */
  async subscribe(selector: GuildSelector, handler: BusEventHandler): Promise<BusSubscription> {
    this.#assertOpen();
    if (selector !== ALL_GUILDS && !isGuildId(selector)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidPayload,
        `a subscription selector must be a guild id or '*', got ${JSON.stringify(selector)}`,
      );
    }
    let state = this.#selectors.get(selector);
    if (state === undefined) {
      state = {
        handlers: new Set(),
        ready: this.#transportOp(selector, () => this.listen(selector)),
      };
      this.#selectors.set(selector, state);
    }
    const entry: HandlerEntry = { handler, active: true };
    state.handlers.add(entry);
    try {
      await state.ready;
    } catch (cause) {
      entry.active = false;
      state.handlers.delete(entry);
      if (this.#selectors.get(selector) === state) this.#selectors.delete(selector);
      throw transportError('subscribe', cause);
    }
    if (!entry.active) {
      throw new GatewayError(GatewayErrorCode.Closed, 'the bus was closed while subscribing');
    }
    const subscribed = state;
    return { selector, unsubscribe: () => this.#unsubscribe(selector, subscribed, entry) };
  }

  /** {@inheritDoc EventBus.stats} */
  stats(): EventBusStats {
    return {
      published: this.#published,
      delivered: this.#delivered,
      duplicates: this.#duplicates,
      gaps: this.#gaps,
      missed: this.#missed,
      malformed: this.#malformed,
      buffered: this.#inbound.buffered,
      lagMs: this.#lagMs,
    };
  }

  /** {@inheritDoc EventBus.close} */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /**
   * Hands one serialized envelope to the transport, on the guild's subject. Calls come in
   * publish order and must reach the wire in that order.
   *
   * @param guildId - the envelope's guild.
   * @param text - the envelope's JSON.
   */
  protected abstract transmit(guildId: string, text: string): void | Promise<void>;

  /**
   * Starts receiving a guild's subject, or every guild subject for `'*'`. Called once per
   * selector until {@link unlisten}; settles when messages published afterwards will arrive.
   *
   * @param selector - a guild id or `'*'`.
   */
  protected abstract listen(selector: GuildSelector): void | Promise<void>;

  /**
   * Stops receiving what {@link listen} started.
   *
   * @param selector - a guild id or `'*'`.
   */
  protected abstract unlisten(selector: GuildSelector): void | Promise<void>;

  /** Lets go of the transport on {@link close}; must not throw for an already closed one. */
  protected abstract release(): void | Promise<void>;

  /**
   * Feeds one message that arrived on a guild subject into the bus. Invalid envelopes are
   * reported as `malformed`; the rest are reordered and delivered. Safe to call re-entrantly
   * (from inside a handler): the message is queued behind the current delivery.
   *
   * @param text - the message body.
   */
  protected receive(text: string): void {
    if (this.closed) return;
    this.#enqueue(() => this.#accept(text));
  }

  /**
   * Reports a transport failure that no pending call can reject with, as `transportError`.
   *
   * @param operation - what failed, e.g. `receive`.
   * @param cause - the driver's error.
   */
  protected reportTransportError(operation: string, cause: unknown): void {
    this.#emitSafely('transportError', transportError(operation, cause));
  }

  #accept(text: string): void {
    const decoded = decodeEnvelope(text);
    if (!decoded.ok) {
      this.#malformed++;
      const error = new GatewayError(
        GatewayErrorCode.InvalidPayload,
        `a bus message is not a valid envelope: ${decoded.reason}`,
      );
      this.#emitSafely('malformed', error);
      return;
    }
    const { envelope } = decoded;
    if (!this.#covers(envelope.guildId)) return;
    if (this.#inbound.accept(envelope) === 'duplicate') this.#duplicates++;
  }

  #deliver(envelope: BusEnvelope): void {
    this.#delivered++;
    this.#lagMs = this.#clock.now() - envelope.publishedAt;
    const exact = this.#selectors.get(envelope.guildId)?.handlers;
    const all = this.#selectors.get(ALL_GUILDS)?.handlers;
    const entries = [...(exact ?? []), ...(all ?? [])];
    for (const entry of entries) {
      if (!entry.active) continue;
      try {
        entry.handler(envelope);
      } catch (error) {
        this.#emitSafely('listenerError', error);
      }
    }
  }

  #gap(gap: BusGap): void {
    this.#gaps++;
    this.#missed += gap.toSeq - gap.fromSeq + 1;
    this.#emitSafely('gap', gap);
  }

  #covers(guildId: string): boolean {
    return this.#selectors.has(guildId) || this.#selectors.has(ALL_GUILDS);
  }

  /** Runs deliveries one at a time, so a handler that publishes never interleaves a delivery. */
  #enqueue(task: () => void): void {
    if (this.closed) return;
    this.#queue.push(task);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) next();
    } finally {
      this.#draining = false;
    }
  }

  #emitSafely<K extends keyof EventBusEvents>(name: K, ...args: EventBusEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: EventBusEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      if (name !== 'listenerError') this.#emitSafely('listenerError', error);
    }
  }

  async #unsubscribe(
    selector: GuildSelector,
    state: SelectorState,
    entry: HandlerEntry,
  ): Promise<void> {
    entry.active = false;
    if (!state.handlers.delete(entry) || state.handlers.size > 0) return;
    if (this.#selectors.get(selector) === state) this.#selectors.delete(selector);
    this.#inbound.forget((guildId) => this.#covers(guildId));
    if (this.closed) return;
    try {
      await this.#transportOp(selector, () => this.unlisten(selector));
    } catch (cause) {
      throw transportError('unsubscribe', cause);
    }
  }

  /** Runs listen/unlisten calls of one selector one after another, in call order. */
  #transportOp(selector: GuildSelector, op: () => void | Promise<void>): Promise<void> {
    const run = async (): Promise<void> => op();
    const previous = this.#transportOps.get(selector);
    const next = previous === undefined ? run() : previous.then(run, run);
    this.#transportOps.set(selector, next);
    const forget = (): void => {
      if (this.#transportOps.get(selector) === next) this.#transportOps.delete(selector);
    };
    next.then(forget, forget);
    return next;
  }

  async #shutdown(): Promise<void> {
    for (const state of this.#selectors.values()) {
      for (const entry of state.handlers) entry.active = false;
    }
    this.#selectors.clear();
    this.#inbound.clear();
    this.#queue.length = 0;
    await Promise.allSettled(this.#transportOps.values());
    await this.release();
  }

  #assertOpen(): void {
    if (this.closed) throw new GatewayError(GatewayErrorCode.Closed, 'the event bus is closed');
  }
}

function transportError(operation: string, cause: unknown): GatewayError {
  return new GatewayError(
    GatewayErrorCode.Closed,
    `the bus transport failed to ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}
