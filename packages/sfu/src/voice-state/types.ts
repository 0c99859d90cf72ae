import type { APIVoiceState, ChannelType, Snowflake } from 'discord-api-types/v10';

/**
 * One user's voice state in one guild, in Discord's `VOICE_STATE_UPDATE` shape
 * (`member` and `self_stream` are not tracked here). `channel_id` is `null` only in the payload
 * that reports a leave.
 *
 * @example
 * ```ts
 * import type { VoiceState } from '@guildkit/sfu';
 *
 * const state: VoiceState = voice.get(guildId, userId)!;
 * state.channel_id; // '1234…'
 * ```
 */
export type VoiceState = Readonly<
  Omit<APIVoiceState, 'guild_id' | 'member' | 'self_stream'> & { guild_id: Snowflake }
>;

/** The voice channel types a user can join. */
export type JoinableChannelType = ChannelType.GuildVoice | ChannelType.GuildStageVoice;

/**
 * What {@link VoiceStates} needs to know about a channel.
 *
 * @example
 * ```ts
 * import { ChannelType } from 'discord-api-types/v10';
 * import type { VoiceChannelInfo } from '@guildkit/sfu';
 *
 * const lounge: VoiceChannelInfo = { type: ChannelType.GuildVoice, userLimit: 10 };
 * ```
 */
export interface VoiceChannelInfo {
  /** The channel type; only `GUILD_VOICE` (2) and `GUILD_STAGE_VOICE` (13) are joinable. */
  readonly type: ChannelType;
  /** Discord's `user_limit`; `0` means unlimited. */
  readonly userLimit: number;
}

/**
 * The channel-level permission bitfield of `userId` in `channelId` (e.g. from
 * `computeChannelPermissions` of `@guildkit/permissions`).
 *
 * @param guildId - the guild.
 * @param channelId - the channel.
 * @param userId - the user.
 * @returns the permission bits (`PermissionFlagsBits`).
 */
export type VoicePermissionResolver = (
  guildId: Snowflake,
  channelId: Snowflake,
  userId: Snowflake,
) => bigint;

/**
 * Looks up a channel of a guild.
 *
 * @param guildId - the guild.
 * @param channelId - the channel.
 * @returns the channel, or `undefined` when the guild has no such channel.
 */
export type VoiceChannelResolver = (
  guildId: Snowflake,
  channelId: Snowflake,
) => VoiceChannelInfo | undefined;

/**
 * The client-controlled part of op 4 `VOICE_STATE_UPDATE` (`guild_id` is passed separately).
 *
 * @example
 * ```ts
 * import type { VoiceStateUpdateData } from '@guildkit/sfu';
 *
 * const join: VoiceStateUpdateData = { channel_id: '42', self_mute: false, self_deaf: false };
 * ```
 */
export interface VoiceStateUpdateData {
  /** The channel to join or stay in; `null` leaves voice. */
  readonly channel_id: Snowflake | null;
  /** Whether the client muted itself. */
  readonly self_mute: boolean;
  /** Whether the client deafened itself. */
  readonly self_deaf: boolean;
  /** Whether the client's camera is on. @defaultValue the current value, else `false` */
  readonly self_video?: boolean;
}

/**
 * Options for {@link VoiceStates}.
 *
 * @example
 * ```ts
 * import type { VoiceStatesOptions } from '@guildkit/sfu';
 *
 * const options: VoiceStatesOptions = {
 *   permissions: (guildId, channelId, userId) => cache.channelPermissions(guildId, channelId, userId),
 *   channel: (guildId, channelId) => channels.get(guildId, channelId),
 * };
 * ```
 */
export interface VoiceStatesOptions {
  /** Channel-level permissions of a user. */
  readonly permissions: VoicePermissionResolver;
  /** Voice channel lookup. */
  readonly channel: VoiceChannelResolver;
}

/**
 * Events of {@link VoiceStates}.
 *
 * @example
 * ```ts
 * voice.on('voiceStateUpdate', (state) => gateway.dispatch(state.guild_id, 'VOICE_STATE_UPDATE', state));
 * ```
 */
export interface VoiceStatesEvents {
  /** A voice state changed; the full new state (`channel_id: null` when the user left). */
  voiceStateUpdate: [state: VoiceState];
  /** A `voiceStateUpdate` listener threw `error`; the change stands. */
  listenerError: [error: unknown];
}
