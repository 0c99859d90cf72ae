import { ALL_GUILDS, type EventBusOptions, type GuildSelector } from './event-bus.js';
import { TransportEventBus } from './transport-event-bus.js';

/** Receives the raw messages of the selectors it listens to on a {@link MemoryEventHub}. */
export type MemoryHubReceiver = (text: string) => void;

/**
 * The in-process message switch that {@link MemoryEventBus}es share: what NATS or Redis is to
 * the other adapters. A message on a guild reaches, synchronously, every receiver listening to
 * that guild and then every receiver listening to `'*'`.
 *
 * @example
 * ```ts
 * import { MemoryEventBus, MemoryEventHub } from '@guildkit/gateway-core';
 *
 * const hub = new MemoryEventHub();
 * const a = new MemoryEventBus({ nodeId: 'a', hub });
 * const b = new MemoryEventBus({ nodeId: 'b', hub }); // a second "node" in the same process
 * ```
 */
export class MemoryEventHub {
  readonly #receivers = new Map<GuildSelector, Set<MemoryHubReceiver>>();

  /**
   * Sends a raw message to a guild's listeners, synchronously.
   *
   * @param guildId - the guild whose subject carries it.
   * @param text - the message body (an envelope, for a bus).
   */
  publish(guildId: string, text: string): void {
    const exact = this.#receivers.get(guildId);
    const all = this.#receivers.get(ALL_GUILDS);
    for (const receiver of [...(exact ?? []), ...(all ?? [])]) receiver(text);
  }

  /**
   * Starts sending a selector's messages to a receiver. Idempotent.
   *
   * @param selector - a guild id or `'*'`.
   * @param receiver - the callback.
   */
  listen(selector: GuildSelector, receiver: MemoryHubReceiver): void {
    let receivers = this.#receivers.get(selector);
    if (receivers === undefined) {
      receivers = new Set();
      this.#receivers.set(selector, receivers);
    }
    receivers.add(receiver);
  }

  /**
   * Stops what {@link listen} started; with no selector, stops every selector of the receiver.
   *
   * @param receiver - the callback.
   * @param selector - a guild id or `'*'`.
   */
  unlisten(receiver: MemoryHubReceiver, selector?: GuildSelector): void {
    const selectors = selector === undefined ? [...this.#receivers.keys()] : [selector];
    for (const key of selectors) {
      const receivers = this.#receivers.get(key);
      if (receivers === undefined) continue;
      receivers.delete(receiver);
      if (receivers.size === 0) this.#receivers.delete(key);
    }
  }
}

/** Options for {@link MemoryEventBus}. */
export interface MemoryEventBusOptions extends EventBusOptions {
  /** The hub shared with the other in-process "nodes". @defaultValue a new hub of its own */
  readonly hub?: MemoryEventHub;
}

/**
 * The in-process {@link EventBus}, the default of a single-node server. Delivery is
 * synchronous: when `publish()` returns, every subscribed handler on the hub has run (a
 * handler's own publish is queued behind the delivery in progress, never interleaved).
 * Envelopes are serialized and parsed as on a network, so handlers never share the publisher's
 * objects and the same payloads fail validation everywhere.
 *
 * @example
 * ```ts
 * import { MemoryEventBus } from '@guildkit/gateway-core';
 *
 * const bus = new MemoryEventBus({ nodeId: 'gateway-a' });
 * await bus.subscribe('*', (event) => console.log(event.guildId, event.seq, event.event));
 * await bus.publish('81384788765712384', 'GUILD_UPDATE', { name: 'x' }); // logged before this resolves
 * ```
 */
export class MemoryEventBus extends TransportEventBus {
  /** The hub this bus publishes to and listens on. */
  readonly hub: MemoryEventHub;
  readonly #receiver: MemoryHubReceiver = (text) => this.receive(text);

  /**
   * @param options - the node id, the hub and the common bus options.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` as `TransportEventBus` documents.
   */
  constructor(options: MemoryEventBusOptions) {
    super(options);
    this.hub = options.hub ?? new MemoryEventHub();
  }

  protected transmit(guildId: string, text: string): void {
    this.hub.publish(guildId, text);
  }

  protected listen(selector: GuildSelector): void {
    this.hub.listen(selector, this.#receiver);
  }

  protected unlisten(selector: GuildSelector): void {
    this.hub.unlisten(this.#receiver, selector);
  }

  protected release(): void {
    this.hub.unlisten(this.#receiver);
  }
}
