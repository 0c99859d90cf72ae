import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { JoinableChannelType, VoiceChannelInfo } from './types.js';

/** VIEW_CHANNEL and CONNECT: what being in a voice channel takes. */
const CONNECT_BITS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.Connect;

/**
 * @param bits - a permission bitfield.
 * @param required - the bits needed.
 * @returns whether `bits` has every bit of `required`.
 */
export function hasAll(bits: bigint, required: bigint): boolean {
  return (bits & required) === required;
}

/**
 * @param channel - a channel, or `undefined` when unknown.
 * @returns whether users can join it (GUILD_VOICE or GUILD_STAGE_VOICE).
 */
export function isJoinable(
  channel: VoiceChannelInfo | undefined,
): channel is VoiceChannelInfo & { readonly type: JoinableChannelType } {
  return channel?.type === ChannelType.GuildVoice || channel?.type === ChannelType.GuildStageVoice;
}

/**
 * @param bits - the user's permissions in the channel.
 * @returns whether the user may be in the channel (VIEW_CHANNEL and CONNECT).
 */
export function mayConnect(bits: bigint): boolean {
  return hasAll(bits, CONNECT_BITS);
}

/**
 * Discord refuses a join into a channel at its `user_limit` unless the user has MOVE_MEMBERS.
 *
 * @param channel - the target channel.
 * @param occupants - users already in it, not counting the joiner.
 * @param bits - the joiner's permissions in the channel.
 * @returns whether the join fits.
 */
export function fitsUserLimit(channel: VoiceChannelInfo, occupants: number, bits: bigint): boolean {
  return (
    channel.userLimit <= 0 ||
    occupants < channel.userLimit ||
    hasAll(bits, PermissionFlagsBits.MoveMembers)
  );
}
