import { ChannelType, PermissionFlagsBits, type Snowflake } from 'discord-api-types/v10';
import { EventEmitter } from 'eventemitter3';
import { SfuError, SfuErrorCode } from '../errors.js';
import { fitsUserLimit, hasAll, isJoinable, mayConnect } from './rules.js';
import { VoiceStateTable } from './state-table.js';
import type {
  VoiceChannelInfo,
  VoiceChannelResolver,
  VoicePermissionResolver,
  VoiceState,
  VoiceStatesEvents,
  VoiceStatesOptions,
  VoiceStateUpdateData,
} from './types.js';

interface ServerFlags {
  readonly mute: boolean;
  readonly deaf: boolean;
}

const FIELDS = [
  'channel_id',
  'session_id',
  'deaf',
  'mute',
  'self_deaf',
  'self_mute',
  'self_video',
  'suppress',
  'request_to_speak_timestamp',
] as const satisfies readonly (keyof VoiceState)[];

function sameState(a: VoiceState, b: VoiceState): boolean {
  return FIELDS.every((field) => a[field] === b[field]);
}

function leftState(state: VoiceState): VoiceState {
  return {
    ...state,
    channel_id: null,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}

/**
 * Voice states of users in guilds, with Discord's rules: one state per (guild, user); joining
 * or moving needs VIEW_CHANNEL and CONNECT in the target and room under its `user_limit`
 * (MOVE_MEMBERS bypasses the limit); a stage channel seats joiners as audience
 * (`suppress: true`); server mute/deafen (MUTE_MEMBERS / DEAFEN_MEMBERS), move and disconnect
 * (MOVE_MEMBERS) are moderation. Server mute and deafen belong to the guild member, as in
 * Discord: they outlive a leave and apply again on the next join.
 *
 * Every change emits exactly one `voiceStateUpdate` with the full state, after the state is
 * stored; a change that changes nothing emits nothing.
 *
 * @example
 * ```ts
 * import { VoiceStates } from '@guildkit/sfu';
 *
 * const voice = new VoiceStates({
 *   permissions: (guildId, channelId, userId) => perms.channel(guildId, channelId, userId),
 *   channel: (guildId, channelId) => channels.voiceInfo(guildId, channelId),
 * });
 * voice.on('voiceStateUpdate', (state) => dispatch('VOICE_STATE_UPDATE', state));
 * voice.update(guildId, userId, sessionId, { channel_id: lounge, self_mute: false, self_deaf: false });
 * voice.canSpeak(guildId, userId); // true with SPEAK and no mute
 * ```
 */
export class VoiceStates extends EventEmitter<VoiceStatesEvents> {
  readonly #permissions: VoicePermissionResolver;
  readonly #channel: VoiceChannelResolver;
  readonly #table = new VoiceStateTable();
  /** `guild:user` -> server mute/deafen, only while one of them is set */
  readonly #serverFlags = new Map<string, ServerFlags>();

  /**
   * @param options - the permission and channel lookups.
   */
  constructor(options: VoiceStatesOptions) {
    super();
    this.#permissions = options.permissions;
    this.#channel = options.channel;
  }

  /**
   * Applies op 4 `VOICE_STATE_UPDATE` from one of the user's sessions: join, move, leave
   * (`channel_id: null`, from any session; a no-op when not connected) or self mute/deafen/video
   * toggles. A session id other than the stored one replaces it (one state per guild and user).
   *
   * @param guildId - the guild.
   * @param userId - the user.
   * @param sessionId - the gateway session sending the update.
   * @param data - the op 4 payload.
   * @returns the user's state afterwards, `undefined` when not in voice.
   * @throws {@link SfuError} `GK_SFU_UNKNOWN_CHANNEL` when the channel is unknown or not a voice
   * channel; `GK_SFU_MISSING_CONNECT` without VIEW_CHANNEL and CONNECT in a channel joined or
   * moved to; `GK_SFU_CHANNEL_FULL` when it is at its `user_limit` and the user lacks
   * MOVE_MEMBERS.
   * @example
   * ```ts
   * voice.update('g1', 'u1', 's1', { channel_id: 'c1', self_mute: false, self_deaf: false });
   * voice.update('g1', 'u1', 's1', { channel_id: null, self_mute: false, self_deaf: false });
   * ```
   */
  update(
    guildId: Snowflake,
    userId: Snowflake,
    sessionId: string,
    data: VoiceStateUpdateData,
  ): VoiceState | undefined {
    const prev = this.get(guildId, userId);
    const selfVideo = data.self_video ?? prev?.self_video ?? false;
    if (data.channel_id === null) {
      if (prev !== undefined) {
        this.#commit(prev, {
          ...leftState(prev),
          session_id: sessionId,
          self_mute: data.self_mute,
          self_deaf: data.self_deaf,
        });
      }
      return undefined;
    }
    const channelId = data.channel_id;
    const channel = this.#joinable(guildId, channelId);
    const moving = prev?.channel_id !== channelId;
    if (moving) {
      const bits = this.#permissions(guildId, channelId, userId);
      this.#assertMayConnect(bits, guildId, channelId, userId);
      if (!fitsUserLimit(channel, this.#table.count(guildId, channelId), bits)) {
        throw new SfuError(
          SfuErrorCode.ChannelFull,
          `channel ${channelId} is at its user_limit of ${String(channel.userLimit)}`,
        );
      }
    }
    const server = this.#serverFlags.get(`${guildId}:${userId}`);
    const next: VoiceState = {
      guild_id: guildId,
      channel_id: channelId,
      user_id: userId,
      session_id: sessionId,
      deaf: server?.deaf ?? false,
      mute: server?.mute ?? false,
      self_deaf: data.self_deaf,
      self_mute: data.self_mute,
      self_video: selfVideo,
      suppress: prev === undefined || moving ? this.#seatsAudience(channel) : prev.suppress,
      request_to_speak_timestamp:
        prev === undefined || moving ? null : prev.request_to_speak_timestamp,
    };
    this.#commit(prev, next);
    return next;
  }

  /**
   * Server-mutes or unmutes a connected user (Discord's guild member `mute`).
   *
   * @param actorId - the moderator.
   * @param guildId - the guild.
   * @param userId - the target.
   * @param mute - the new value.
   * @returns the target's state afterwards.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` when the target is not in voice;
   * `GK_SFU_MISSING_PERMISSION` when the actor lacks MUTE_MEMBERS in the target's channel.
   * @example
   * ```ts
   * voice.setServerMute(modId, guildId, userId, true).mute; // true
   * ```
   */
  setServerMute(
    actorId: Snowflake,
    guildId: Snowflake,
    userId: Snowflake,
    mute: boolean,
  ): VoiceState {
    const prev = this.#connected(guildId, userId);
    this.#assertActor(actorId, guildId, prev.channel_id, 'MuteMembers', 'MUTE_MEMBERS');
    return this.#setServerFlags(prev, { mute, deaf: prev.deaf });
  }

  /**
   * Server-deafens or undeafens a connected user (Discord's guild member `deaf`).
   *
   * @param actorId - the moderator.
   * @param guildId - the guild.
   * @param userId - the target.
   * @param deaf - the new value.
   * @returns the target's state afterwards.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` when the target is not in voice;
   * `GK_SFU_MISSING_PERMISSION` when the actor lacks DEAFEN_MEMBERS in the target's channel.
   * @example
   * ```ts
   * voice.setServerDeaf(modId, guildId, userId, true).deaf; // true
   * ```
   */
  setServerDeaf(
    actorId: Snowflake,
    guildId: Snowflake,
    userId: Snowflake,
    deaf: boolean,
  ): VoiceState {
    const prev = this.#connected(guildId, userId);
    this.#assertActor(actorId, guildId, prev.channel_id, 'DeafenMembers', 'DEAFEN_MEMBERS');
    return this.#setServerFlags(prev, { mute: prev.mute, deaf });
  }

  /**
   * Moves a connected user to another voice channel. As in Discord, a moderator's move ignores
   * the destination's `user_limit`; moving a user into a stage channel seats them as audience.
   *
   * @param actorId - the moderator.
   * @param guildId - the guild.
   * @param userId - the target.
   * @param channelId - the destination.
   * @returns the target's state afterwards.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` when the target is not in voice;
   * `GK_SFU_UNKNOWN_CHANNEL` when the destination is not a voice channel of the guild;
   * `GK_SFU_MISSING_PERMISSION` when the actor lacks MOVE_MEMBERS in either channel;
   * `GK_SFU_MISSING_CONNECT` when the target lacks VIEW_CHANNEL or CONNECT in the destination.
   * @example
   * ```ts
   * voice.move(modId, guildId, userId, afkChannelId).channel_id; // afkChannelId
   * ```
   */
  move(
    actorId: Snowflake,
    guildId: Snowflake,
    userId: Snowflake,
    channelId: Snowflake,
  ): VoiceState {
    const prev = this.#connected(guildId, userId);
    const channel = this.#joinable(guildId, channelId);
    this.#assertActor(actorId, guildId, prev.channel_id, 'MoveMembers', 'MOVE_MEMBERS');
    this.#assertActor(actorId, guildId, channelId, 'MoveMembers', 'MOVE_MEMBERS');
    if (prev.channel_id === channelId) return prev;
    this.#assertMayConnect(
      this.#permissions(guildId, channelId, userId),
      guildId,
      channelId,
      userId,
    );
    const next: VoiceState = {
      ...prev,
      channel_id: channelId,
      suppress: this.#seatsAudience(channel),
      request_to_speak_timestamp: null,
    };
    this.#commit(prev, next);
    return next;
  }

  /**
   * Disconnects a user from voice.
   *
   * @param actorId - the moderator.
   * @param guildId - the guild.
   * @param userId - the target.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` when the target is not in voice;
   * `GK_SFU_MISSING_PERMISSION` when the actor lacks MOVE_MEMBERS in the target's channel.
   * @example
   * ```ts
   * voice.disconnect(modId, guildId, userId);
   * voice.get(guildId, userId); // undefined
   * ```
   */
  disconnect(actorId: Snowflake, guildId: Snowflake, userId: Snowflake): void {
    const prev = this.#connected(guildId, userId);
    this.#assertActor(actorId, guildId, prev.channel_id, 'MoveMembers', 'MOVE_MEMBERS');
    this.#commit(prev, leftState(prev));
  }

  /**
   * Re-applies the rules to a channel's members after a permission or channel change:
   * users who lost VIEW_CHANNEL or CONNECT, or all users when the channel is gone or no longer
   * a voice channel, are disconnected (one leave each). Users over a lowered `user_limit` stay,
   * as in Discord.
   *
   * @param guildId - the guild.
   * @param channelId - the channel whose overwrites, roles or type changed.
   * @returns the users disconnected, in join order.
   * @example
   * ```ts
   * overwrites.set(channelId, denyConnect(userId));
   * voice.recheck(guildId, channelId); // [userId]
   * ```
   */
  recheck(guildId: Snowflake, channelId: Snowflake): Snowflake[] {
    const joinable = isJoinable(this.#channel(guildId, channelId));
    const removed: Snowflake[] = [];
    for (const state of this.channelMembers(guildId, channelId)) {
      if (joinable && mayConnect(this.#permissions(guildId, channelId, state.user_id))) continue;
      this.#commit(state, leftState(state));
      removed.push(state.user_id);
    }
    return removed;
  }

  /**
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns the user's voice state in the guild, `undefined` when not in voice.
   * @example
   * ```ts
   * voice.get(guildId, userId)?.channel_id;
   * ```
   */
  get(guildId: Snowflake, userId: Snowflake): VoiceState | undefined {
    return this.#table.get(guildId, userId);
  }

  /**
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @returns the states of the users in the channel, in join order.
   * @example
   * ```ts
   * voice.channelMembers(guildId, channelId).map((state) => state.user_id);
   * ```
   */
  channelMembers(guildId: Snowflake, channelId: Snowflake): VoiceState[] {
    return this.#table.members(guildId, channelId);
  }

  /**
   * Whether the media layer should forward the user's audio: SPEAK in the current channel, not
   * server-muted, not self-muted and not suppressed (stage audience).
   *
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns `false` as well when the user is not in voice.
   * @example
   * ```ts
   * if (!voice.canSpeak(guildId, userId)) producer.pause();
   * ```
   */
  canSpeak(guildId: Snowflake, userId: Snowflake): boolean {
    const state = this.get(guildId, userId);
    if (state?.channel_id == null) return false;
    if (state.mute || state.self_mute || state.suppress) return false;
    return hasAll(this.#permissions(guildId, state.channel_id, userId), PermissionFlagsBits.Speak);
  }

  /**
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns whether the user is in voice with PRIORITY_SPEAKER in the current channel.
   * @example
   * ```ts
   * if (voice.isPrioritySpeaker(guildId, userId)) mixer.duckOthers(userId);
   * ```
   */
  isPrioritySpeaker(guildId: Snowflake, userId: Snowflake): boolean {
    const state = this.get(guildId, userId);
    if (state?.channel_id == null) return false;
    return hasAll(
      this.#permissions(guildId, state.channel_id, userId),
      PermissionFlagsBits.PrioritySpeaker,
    );
  }

  #joinable(guildId: Snowflake, channelId: Snowflake): VoiceChannelInfo {
    const channel = this.#channel(guildId, channelId);
    if (!isJoinable(channel)) {
      throw new SfuError(
        SfuErrorCode.UnknownChannel,
        `channel ${channelId} is not a voice channel of guild ${guildId}`,
      );
    }
    return channel;
  }

  #seatsAudience(channel: VoiceChannelInfo): boolean {
    return channel.type === ChannelType.GuildStageVoice;
  }

  #connected(guildId: Snowflake, userId: Snowflake): VoiceState & { channel_id: Snowflake } {
    const state = this.get(guildId, userId);
    if (state?.channel_id == null) {
      throw new SfuError(
        SfuErrorCode.NotConnected,
        `user ${userId} is not in a voice channel of guild ${guildId}`,
      );
    }
    return { ...state, channel_id: state.channel_id };
  }

  #assertMayConnect(
    bits: bigint,
    guildId: Snowflake,
    channelId: Snowflake,
    userId: Snowflake,
  ): void {
    if (mayConnect(bits)) return;
    const missing = hasAll(bits, PermissionFlagsBits.ViewChannel) ? 'CONNECT' : 'VIEW_CHANNEL';
    throw new SfuError(
      SfuErrorCode.MissingConnect,
      `user ${userId} lacks ${missing} in channel ${channelId} of guild ${guildId}`,
    );
  }

  #assertActor(
    actorId: Snowflake,
    guildId: Snowflake,
    channelId: Snowflake,
    flag: 'MuteMembers' | 'DeafenMembers' | 'MoveMembers',
    wireName: string,
  ): void {
    if (hasAll(this.#permissions(guildId, channelId, actorId), PermissionFlagsBits[flag])) return;
    throw new SfuError(
      SfuErrorCode.MissingPermission,
      `user ${actorId} lacks ${wireName} in channel ${channelId} of guild ${guildId}`,
    );
  }

  #setServerFlags(prev: VoiceState, flags: ServerFlags): VoiceState {
    const key = `${prev.guild_id}:${prev.user_id}`;
    if (flags.mute || flags.deaf) this.#serverFlags.set(key, flags);
    else this.#serverFlags.delete(key);
    const next: VoiceState = { ...prev, mute: flags.mute, deaf: flags.deaf };
    this.#commit(prev, next);
    return next;
  }

  #commit(prev: VoiceState | undefined, next: VoiceState): void {
    if (prev !== undefined && sameState(prev, next)) return;
    this.#table.put(next);
    try {
      this.emit('voiceStateUpdate', next);
    } catch (error) {
      this.emit('listenerError', error);
    }
  }
}
