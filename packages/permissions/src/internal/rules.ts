import { ChannelType } from 'discord-api-types/v10';
import { PermissionFlags } from '../flags.js';
import type { PermissionMember } from '../shapes.js';

/** How the implicit rules treat a channel type. */
export const ChannelKind = { Other: 0, Text: 1, TextAndVoice: 2, Thread: 3 } as const;
export type ChannelKind = (typeof ChannelKind)[keyof typeof ChannelKind];

export function channelKind(type: number): ChannelKind {
  switch (type) {
    case ChannelType.GuildText:
    case ChannelType.GuildAnnouncement:
    case ChannelType.GuildForum:
    case ChannelType.GuildMedia:
      return ChannelKind.Text;
    case ChannelType.GuildVoice:
    case ChannelType.GuildStageVoice:
      return ChannelKind.TextAndVoice;
    case ChannelType.AnnouncementThread:
    case ChannelType.PublicThread:
    case ChannelType.PrivateThread:
      return ChannelKind.Thread;
    default:
      return ChannelKind.Other;
  }
}

/** Lost by a text-carrying channel without SEND_MESSAGES (a thread: SEND_MESSAGES_IN_THREADS). */
export const SEND_DEPENDENT =
  PermissionFlags.MENTION_EVERYONE |
  PermissionFlags.SEND_TTS_MESSAGES |
  PermissionFlags.ATTACH_FILES |
  PermissionFlags.EMBED_LINKS;

/** Lost by a voice or stage channel without CONNECT. */
export const CONNECT_DEPENDENT =
  PermissionFlags.MANAGE_CHANNELS |
  PermissionFlags.SPEAK |
  PermissionFlags.STREAM |
  PermissionFlags.USE_VAD |
  PermissionFlags.PRIORITY_SPEAKER |
  PermissionFlags.MUTE_MEMBERS |
  PermissionFlags.DEAFEN_MEMBERS |
  PermissionFlags.MOVE_MEMBERS |
  PermissionFlags.REQUEST_TO_SPEAK |
  PermissionFlags.USE_SOUNDBOARD |
  PermissionFlags.USE_EXTERNAL_SOUNDS |
  PermissionFlags.USE_EMBEDDED_ACTIVITIES |
  PermissionFlags.SET_VOICE_CHANNEL_STATUS;

/** What a timed-out member keeps. */
export const TIMEOUT_KEPT = PermissionFlags.VIEW_CHANNEL | PermissionFlags.READ_MESSAGE_HISTORY;

/** Implicit rules 1–3 (the timeout, rule 4, depends on time and is applied apart). */
export function applyImplicitRules(permissions: bigint, kind: ChannelKind): bigint {
  if ((permissions & PermissionFlags.VIEW_CHANNEL) === 0n) return 0n;
  let result = permissions;
  if (kind === ChannelKind.Thread) {
    if ((result & PermissionFlags.SEND_MESSAGES_IN_THREADS) === 0n) result &= ~SEND_DEPENDENT;
  } else if (kind !== ChannelKind.Other) {
    if ((result & PermissionFlags.SEND_MESSAGES) === 0n) result &= ~SEND_DEPENDENT;
    if (kind === ChannelKind.TextAndVoice && (result & PermissionFlags.CONNECT) === 0n) {
      result &= ~CONNECT_DEPENDENT;
    }
  }
  return result;
}

export function isTimedOut(member: PermissionMember, now: number): boolean {
  const until = member.communicationDisabledUntil;
  return until !== undefined && until !== null && until > now;
}
