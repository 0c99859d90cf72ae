import type { BusEvent, BusSubscription, EventBus } from '../bus/event-bus.js';
import { ALL_GUILDS } from '../bus/event-bus.js';
import type { FanOutDispatch, FanOutRelay, GatewayFanOut } from '../fan-out.js';

/**
 * How a channel or user event travels on the bus, whose streams are keyed by guild: a channel
 * event goes on its guild's stream (so it keeps its order with the guild's other events) as
 * `<t>#<channel id>`; a user event goes on a stream keyed by the user's id (snowflakes are
 * unique across guilds and users) as `<t>@<guild id or nothing>`. Discord's event names are
 * upper-case words and underscores, so neither mark can be part of one.
 */
const CHANNEL_MARK = '#';
const USER_MARK = '@';

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
 * Routes a node's events through an {@link EventBus}: while started, `fanOut.dispatchToGuild`,
 * `dispatchToChannel` and `dispatchToUser` publish to the bus instead of delivering, and every
 * event the bus delivers goes to this node's sessions (`deliverToGuild`, `deliverToChannel`
 * through the node's `channelAudience`, `deliverToUser`), in the bus's order. So an event
 * dispatched on any node reaches every node's sessions, and each node's sessions see one
 * guild's events (its channels' included) in the same order. A dispatch's `priority` does not
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
    this.#subscription = await bus.subscribe(ALL_GUILDS, (event) => this.#deliver(event));
    const publish = (key: string, event: string, dispatch: FanOutDispatch): void => {
      bus.publish(key, event, dispatch.d).catch((error: unknown) => this.#options.onError?.(error));
    };
    const relay: FanOutRelay = {
      guild: (guildId, dispatch) => publish(guildId, dispatch.t, dispatch),
      channel: (guildId, channelId, dispatch) =>
        publish(guildId, `${dispatch.t}${CHANNEL_MARK}${channelId}`, dispatch),
      user: (userId, dispatch, guildId) =>
        publish(userId, `${dispatch.t}${USER_MARK}${guildId ?? ''}`, dispatch),
    };
    fanOut.relay = relay;
  }

  #deliver(event: BusEvent): void {
    const { fanOut } = this.#options;
    const user = event.event.indexOf(USER_MARK);
    if (user > 0) {
      const guildId = event.event.slice(user + 1);
      const dispatch = { t: event.event.slice(0, user), d: event.data };
      fanOut.deliverToUser(event.guildId, dispatch, guildId === '' ? undefined : guildId);
      return;
    }
    const channel = event.event.indexOf(CHANNEL_MARK);
    if (channel > 0) {
      const dispatch = { t: event.event.slice(0, channel), d: event.data };
      try {
        fanOut.deliverToChannel(event.guildId, event.event.slice(channel + 1), dispatch);
      } catch (error) {
        this.#options.onError?.(error);
      }
      return;
    }
    fanOut.deliverToGuild(event.guildId, { t: event.event, d: event.data });
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
    this.#options.fanOut.relay = undefined;
    await subscription.unsubscribe();
  }
}
