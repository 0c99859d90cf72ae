import type { BusSubscription, EventBus } from '../bus/event-bus.js';
import { ALL_GUILDS } from '../bus/event-bus.js';
import type { GatewayFanOut } from '../fan-out.js';

/** Options for {@link BusFanOut}. */
export interface BusFanOutOptions {
  /** The bus shared by the gateway nodes. */
  readonly bus: EventBus;
  /** This node's fan-out. */
  readonly fanOut: GatewayFanOut;
  /** Receives publishes the bus refused. @defaultValue ignore */
  readonly onError?: (error: unknown) => void;
}

/**
 * Routes a node's guild events through an {@link EventBus}: while started,
 * `fanOut.dispatchToGuild` publishes to the bus instead of delivering, and every event of any
 * guild the bus delivers goes to this node's sessions of that guild (`deliverToGuild`), in
 * the bus's order. So an event dispatched on any node reaches every node's sessions, and each
 * node's sessions see one guild's events in the same order. A dispatch's `priority` does not
 * cross the bus: receivers apply the event's default.
 *
 * @example
 * ```ts
 * const relay = new BusFanOut({ bus, fanOut: server.fanOut });
 * await relay.start();
 * server.fanOut.dispatchToGuild(guildId, { t: 'MESSAGE_CREATE', d: message }); // every node
 * await relay.stop();
 * ```
 */
export class BusFanOut {
  readonly #options: BusFanOutOptions;
  #subscription: BusSubscription | undefined;

  /**
   * @param options - the bus and the fan-out.
   */
  constructor(options: BusFanOutOptions) {
    this.#options = options;
  }

  /**
   * Subscribes to every guild's events and routes `dispatchToGuild` to the bus. Idempotent.
   *
   * @returns once events published after this point reach this node.
   * @throws GatewayError (as a rejection) `GK_GATEWAY_CLOSED` when the bus is closed.
   */
  async start(): Promise<void> {
    if (this.#subscription !== undefined) return;
    const { bus, fanOut } = this.#options;
    this.#subscription = await bus.subscribe(ALL_GUILDS, (event) => {
      fanOut.deliverToGuild(event.guildId, { t: event.event, d: event.data });
    });
    fanOut.guildRelay = (guildId, dispatch) => {
      bus
        .publish(guildId, dispatch.t, dispatch.d)
        .catch((error: unknown) => this.#options.onError?.(error));
    };
  }

  /**
   * Stops publishing and delivering bus events; `dispatchToGuild` delivers locally again.
   *
   * @returns once the bus has let go of the subscription.
   */
  async stop(): Promise<void> {
    const subscription = this.#subscription;
    if (subscription === undefined) return;
    this.#subscription = undefined;
    this.#options.fanOut.guildRelay = undefined;
    await subscription.unsubscribe();
  }
}
