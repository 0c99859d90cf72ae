import { type HashRing, shardIdForGuild } from '@guildkit/sharding';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { isGuildId } from './envelope.js';

/** Options for {@link GuildPlacement}. */
export interface GuildPlacementOptions {
  /** The ring of gateway nodes, shared (same members) by every node; it may change later. */
  readonly ring: Pick<HashRing, 'nodeForShard'>;
  /** This node's id on the ring. */
  readonly nodeId: string;
  /** The total number of shards, a positive safe integer. */
  readonly shardCount: number;
}

/**
 * Where a guild lives: its shard by Discord's formula (`(guild_id >> 22) % shardCount`), then
 * that shard's node on the consistent-hash ring of `@guildkit/sharding`. The owner is the one
 * node that publishes the guild's events on the {@link EventBus}: one publisher per guild is
 * what makes a guild's events one ordered stream. Every node computes the same answer from
 * the same ring, without asking anyone. The ring is read on every call, so a resized ring
 * takes effect at once.
 *
 * @example
 * ```ts
 * import { HashRing } from '@guildkit/sharding';
 * import { GuildPlacement } from '@guildkit/gateway-core';
 *
 * const ring = await HashRing.create({ nodes: ['gateway-a', 'gateway-b'] });
 * const placement = new GuildPlacement({ ring, nodeId: 'gateway-a', shardCount: 16 });
 * if (placement.owns(guildId)) await bus.publish(guildId, 'GUILD_UPDATE', guild);
 * ```
 */
export class GuildPlacement {
  /** This node's id. */
  readonly nodeId: string;
  /** The total number of shards. */
  readonly shardCount: number;
  readonly #ring: Pick<HashRing, 'nodeForShard'>;

  /**
   * @param options - the ring, this node and the shard count.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `nodeId` is empty or `shardCount` is
   * not a positive safe integer.
   */
  constructor(options: GuildPlacementOptions) {
    if (typeof options.nodeId !== 'string' || options.nodeId.length === 0) {
      throw new GatewayError(GatewayErrorCode.InvalidOption, 'nodeId must be a non-empty string');
    }
    if (!Number.isSafeInteger(options.shardCount) || options.shardCount < 1) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `shardCount must be a positive safe integer, got ${String(options.shardCount)}`,
      );
    }
    this.nodeId = options.nodeId;
    this.shardCount = options.shardCount;
    this.#ring = options.ring;
  }

  /**
   * The shard a guild's events belong to.
   *
   * @param guildId - the guild, a snowflake string.
   * @returns its shard id, in `[0, shardCount)`.
   * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when `guildId` is not a snowflake.
   */
  shardOf(guildId: string): number {
    if (!isGuildId(guildId)) {
      throw new GatewayError(
        GatewayErrorCode.InvalidPayload,
        `guild id must be a snowflake string, got ${JSON.stringify(guildId)}`,
      );
    }
    return shardIdForGuild(guildId, this.shardCount);
  }

  /**
   * The node that owns a guild.
   *
   * @param guildId - the guild, a snowflake string.
   * @returns the owning node's id.
   * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when `guildId` is not a snowflake.
   * @throws ShardingError `GK_SHARDING_EMPTY_RING` (from `@guildkit/sharding`) when the ring has
   * no nodes.
   */
  ownerOf(guildId: string): string {
    return this.#ring.nodeForShard(this.shardOf(guildId));
  }

  /**
   * Whether this node owns a guild, i.e. is the one that publishes its events.
   *
   * @param guildId - the guild, a snowflake string.
   * @returns `true` when {@link ownerOf} is this node.
   * @throws GatewayError `GK_GATEWAY_INVALID_PAYLOAD` when `guildId` is not a snowflake.
   * @throws ShardingError `GK_SHARDING_EMPTY_RING` when the ring has no nodes.
   */
  owns(guildId: string): boolean {
    return this.ownerOf(guildId) === this.nodeId;
  }
}
