import type { Snowflake } from 'discord-api-types/v10';
import type { VoiceState } from './types.js';

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Stored voice states by guild and user, indexed by channel. Only states with a channel. */
export class VoiceStateTable {
  /** guild -> user -> state */
  readonly #states = new Map<Snowflake, Map<Snowflake, VoiceState>>();
  /** guild -> channel -> users, in join order */
  readonly #members = new Map<Snowflake, Map<Snowflake, Set<Snowflake>>>();

  /**
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns the stored state, if any.
   */
  get(guildId: Snowflake, userId: Snowflake): VoiceState | undefined {
    return this.#states.get(guildId)?.get(userId);
  }

  /**
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @returns the states of the channel's users, in join order.
   */
  members(guildId: Snowflake, channelId: Snowflake): VoiceState[] {
    const users = this.#members.get(guildId)?.get(channelId);
    const states = this.#states.get(guildId);
    const members: VoiceState[] = [];
    for (const userId of users ?? []) {
      const state = states?.get(userId);
      if (state !== undefined) members.push(state);
    }
    return members;
  }

  /**
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @returns how many users are in the channel.
   */
  count(guildId: Snowflake, channelId: Snowflake): number {
    return this.#members.get(guildId)?.get(channelId)?.size ?? 0;
  }

  /**
   * Stores `state`, replacing the user's previous one; a `null` channel removes the user.
   *
   * @param state - the new state.
   */
  put(state: VoiceState): void {
    const prev = this.get(state.guild_id, state.user_id);
    if (prev?.channel_id != null) this.#unindex(prev.guild_id, prev.channel_id, prev.user_id);
    if (state.channel_id === null) {
      const states = this.#states.get(state.guild_id);
      states?.delete(state.user_id);
      if (states?.size === 0) this.#states.delete(state.guild_id);
      return;
    }
    entry(this.#states, state.guild_id, () => new Map()).set(state.user_id, state);
    const channels = entry(this.#members, state.guild_id, () => new Map());
    entry(channels, state.channel_id, () => new Set()).add(state.user_id);
  }

  #unindex(guildId: Snowflake, channelId: Snowflake, userId: Snowflake): void {
    const channels = this.#members.get(guildId);
    const users = channels?.get(channelId);
    if (channels === undefined || users === undefined) return;
    users.delete(userId);
    if (users.size > 0) return;
    channels.delete(channelId);
    if (channels.size === 0) this.#members.delete(guildId);
  }
}
