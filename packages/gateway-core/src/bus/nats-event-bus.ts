import type { NatsConnection, Subscription } from 'nats';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { ALL_GUILDS, type EventBusOptions, type GuildSelector } from './event-bus.js';
import { TransportEventBus } from './transport-event-bus.js';

/** Options for {@link NatsEventBus}. */
export interface NatsEventBusOptions extends EventBusOptions {
  /** An open connection from `nats`' `connect()`; the caller owns (and closes) it. */
  readonly connection: NatsConnection;
  /**
   * The subject prefix: guild `g` publishes on `<prefix>.<g>`, `'*'` listens on `<prefix>.*`.
   * @defaultValue `'guildkit.guild'`
   */
  readonly subjectPrefix?: string;
}

/**
 * Defaults of {@link NatsEventBusOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_NATS_EVENT_BUS_OPTIONS } from '@guildkit/gateway-core/nats';
 *
 * DEFAULT_NATS_EVENT_BUS_OPTIONS.subjectPrefix; // 'guildkit.guild'
 * ```
 */
export const DEFAULT_NATS_EVENT_BUS_OPTIONS = {
  subjectPrefix: 'guildkit.guild',
} as const satisfies Required<Pick<NatsEventBusOptions, 'subjectPrefix'>>;

/** Tokens of a NATS subject: no wildcards, no whitespace, no empty token. */
const SUBJECT_PREFIX = /^[^.*>\s]+(\.[^.*>\s]+)*$/;

/**
 * An {@link EventBus} over NATS core publish/subscribe (at most once; no JetStream). Each guild
 * has its own subject, `guildkit.guild.<guildId>`, so a node only receives the guilds it
 * subscribes to, and `'*'` is one wildcard subscription. NATS keeps the order of one
 * connection's messages to a subscriber; messages lost to a reconnect or a slow consumer show
 * up as `gap` events once the reorder window passes.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { NatsEventBus } from '@guildkit/gateway-core/nats';
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' });
 * const bus = new NatsEventBus({ nodeId: 'gateway-a', connection });
 * await bus.subscribe('81384788765712384', (event) => console.log(event.seq, event.event));
 * await bus.publish('81384788765712384', 'MESSAGE_CREATE', { content: 'hi' });
 * await bus.close();
 * await connection.drain();
 * ```
 */
export class NatsEventBus extends TransportEventBus {
  readonly #connection: NatsConnection;
  readonly #prefix: string;
  readonly #subscriptions = new Map<GuildSelector, Subscription>();

  /**
   * @param options - the connection, the subject prefix and the common bus options.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `subjectPrefix` is not a NATS subject
   * without wildcards, or as `TransportEventBus` documents.
   */
  constructor(options: NatsEventBusOptions) {
    super(options);
    const prefix = options.subjectPrefix ?? DEFAULT_NATS_EVENT_BUS_OPTIONS.subjectPrefix;
    if (!SUBJECT_PREFIX.test(prefix)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `subjectPrefix must be a NATS subject without wildcards, got ${JSON.stringify(prefix)}`,
      );
    }
    this.#connection = options.connection;
    this.#prefix = prefix;
  }

  protected transmit(guildId: string, text: string): void {
    this.#connection.publish(`${this.#prefix}.${guildId}`, text);
  }

  protected async listen(selector: GuildSelector): Promise<void> {
    const token = selector === ALL_GUILDS ? '*' : selector;
    const subscription = this.#connection.subscribe(`${this.#prefix}.${token}`, {
      callback: (error, message) => {
        if (error === null) this.receive(message.string());
        else this.reportTransportError('receive', error);
      },
    });
    this.#subscriptions.set(selector, subscription);
    // The server has registered the subscription once it answers a PING sent after it.
    await this.#connection.flush();
  }

  protected unlisten(selector: GuildSelector): void {
    const subscription = this.#subscriptions.get(selector);
    this.#subscriptions.delete(selector);
    if (subscription !== undefined && !this.#connection.isClosed()) subscription.unsubscribe();
  }

  protected release(): void {
    for (const selector of [...this.#subscriptions.keys()]) this.unlisten(selector);
  }
}
