import type { Redis } from 'ioredis';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { ALL_GUILDS, type EventBusOptions, type GuildSelector } from './event-bus.js';
import { TransportEventBus } from './transport-event-bus.js';

/** Options for {@link RedisEventBus}. */
export interface RedisEventBusOptions extends EventBusOptions {
  /** The connection that PUBLISHes; the caller owns (and quits) it. */
  readonly publisher: Redis;
  /**
   * A second connection, used only for (P)SUBSCRIBE: Redis puts a subscribing connection in
   * a mode where it can run nothing else. The caller owns (and quits) it.
   */
  readonly subscriber: Redis;
  /**
   * The channel prefix: guild `g` publishes on `<prefix><g>`, `'*'` pattern-subscribes to
   * `<prefix>*`.
   * @defaultValue `'guildkit:guild:'`
   */
  readonly channelPrefix?: string;
}

/**
 * Defaults of {@link RedisEventBusOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_EVENT_BUS_OPTIONS } from '@guildkit/gateway-core/redis';
 *
 * DEFAULT_REDIS_EVENT_BUS_OPTIONS.channelPrefix; // 'guildkit:guild:'
 * ```
 */
export const DEFAULT_REDIS_EVENT_BUS_OPTIONS = {
  channelPrefix: 'guildkit:guild:',
} as const satisfies Required<Pick<RedisEventBusOptions, 'channelPrefix'>>;

/** Characters that are special in a PSUBSCRIBE glob. */
const GLOB_SPECIAL = /[*?[\]\\]/;

/**
 * An {@link EventBus} over Redis PUBLISH / SUBSCRIBE (at most once) with one publishing and
 * one subscribing connection. Each guild is a channel, `guildkit:guild:<guildId>`; `'*'` is
 * one PSUBSCRIBE. Redis keeps the order of one connection's PUBLISHes; messages published
 * while the subscriber reconnects (ioredis re-subscribes by itself) are lost and show up as
 * `gap` events once the reorder window passes.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisEventBus } from '@guildkit/gateway-core/redis';
 *
 * const publisher = new Redis({ host: '127.0.0.1', port: 6379 });
 * const subscriber = publisher.duplicate();
 * const bus = new RedisEventBus({ nodeId: 'gateway-a', publisher, subscriber });
 * await bus.subscribe('*', (event) => console.log(event.guildId, event.seq, event.event));
 * await bus.publish('81384788765712384', 'MESSAGE_CREATE', { content: 'hi' });
 * await bus.close();
 * await Promise.all([publisher.quit(), subscriber.quit()]);
 * ```
 */
export class RedisEventBus extends TransportEventBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #listening = new Set<GuildSelector>();
  readonly #onMessage = (channel: string, message: string): void => {
    if (channel.startsWith(this.#prefix)) this.receive(message);
  };
  readonly #onPatternMessage = (pattern: string, _channel: string, message: string): void => {
    if (pattern === this.#pattern()) this.receive(message);
  };

  /**
   * @param options - the two connections, the channel prefix and the common bus options.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `publisher` and `subscriber` are the
   * same connection, `channelPrefix` is empty or holds a glob character (`* ? [ ] \`), or as
   * `TransportEventBus` documents.
   */
  constructor(options: RedisEventBusOptions) {
    super(options);
    const prefix = options.channelPrefix ?? DEFAULT_REDIS_EVENT_BUS_OPTIONS.channelPrefix;
    if (prefix.length === 0 || GLOB_SPECIAL.test(prefix)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `channelPrefix must be non-empty and free of * ? [ ] \\, got ${JSON.stringify(prefix)}`,
      );
    }
    if (options.publisher === options.subscriber) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        'publisher and subscriber must be two connections (e.g. publisher.duplicate())',
      );
    }
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#prefix = prefix;
    this.#subscriber.on('message', this.#onMessage);
    this.#subscriber.on('pmessage', this.#onPatternMessage);
  }

  protected async transmit(guildId: string, text: string): Promise<void> {
    await this.#publisher.publish(`${this.#prefix}${guildId}`, text);
  }

  protected async listen(selector: GuildSelector): Promise<void> {
    this.#listening.add(selector);
    if (selector === ALL_GUILDS) await this.#subscriber.psubscribe(this.#pattern());
    else await this.#subscriber.subscribe(`${this.#prefix}${selector}`);
  }

  protected async unlisten(selector: GuildSelector): Promise<void> {
    this.#listening.delete(selector);
    if (selector === ALL_GUILDS) await this.#subscriber.punsubscribe(this.#pattern());
    else await this.#subscriber.unsubscribe(`${this.#prefix}${selector}`);
  }

  protected async release(): Promise<void> {
    this.#subscriber.off('message', this.#onMessage);
    this.#subscriber.off('pmessage', this.#onPatternMessage);
    const selectors = [...this.#listening];
    this.#listening.clear();
    if (this.#subscriber.status !== 'ready') return;
    // A connection that fails now is one the caller is closing: nothing is left to release.
    await Promise.allSettled(selectors.map((selector) => this.unlisten(selector)));
  }

  #pattern(): string {
    return `${this.#prefix}*`;
  }
}
