/**
 * An independent model of Discord's documented permission algorithm, written from the
 * pseudocode at https://discord.com/developers/docs/topics/permissions and DESIGN.md's
 * implicit rules, using discord-api-types' flags rather than the package under test.
 */
import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';

export interface OracleRole {
  id: string;
  permissions: bigint;
  position: number;
}
export interface OracleGuild {
  id: string;
  ownerId: string;
  roles: readonly OracleRole[];
}
export interface OracleMember {
  userId: string;
  roleIds: readonly string[];
  communicationDisabledUntil?: number | null;
}
export interface OracleOverwrite {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}
export interface OracleChannel {
  id: string;
  guildId: string;
  type: number;
  parentId?: string | null;
  permissionOverwrites: readonly OracleOverwrite[];
}

/** Every bit discord-api-types knows, OR-ed. */
export const ORACLE_ALL = Object.values(P).reduce((all, bit) => all | bit, 0n);

const THREADS: readonly number[] = [
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
];
const TEXT: readonly number[] = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
];
const VOICE: readonly number[] = [ChannelType.GuildVoice, ChannelType.GuildStageVoice];

function memberRoles(guild: OracleGuild, member: OracleMember): OracleRole[] {
  return guild.roles.filter((role) => role.id !== guild.id && member.roleIds.includes(role.id));
}

function baseOf(guild: OracleGuild, member: OracleMember): { perms: bigint; exempt: boolean } {
  if (member.userId === guild.ownerId) return { perms: ORACLE_ALL, exempt: true };
  const everyone = guild.roles.find((role) => role.id === guild.id);
  if (everyone === undefined) throw new Error('oracle: no @everyone');
  let perms = everyone.permissions;
  for (const role of memberRoles(guild, member)) perms |= role.permissions;
  if ((perms & P.Administrator) === P.Administrator) return { perms: ORACLE_ALL, exempt: true };
  return { perms, exempt: false };
}

function timedOut(member: OracleMember, now: number): boolean {
  return (
    typeof member.communicationDisabledUntil === 'number' && member.communicationDisabledUntil > now
  );
}

export function oracleBase(guild: OracleGuild, member: OracleMember, now: number): bigint {
  const { perms, exempt } = baseOf(guild, member);
  if (!exempt && timedOut(member, now)) return perms & (P.ViewChannel | P.ReadMessageHistory);
  return perms;
}

export function oracleChannel(
  guild: OracleGuild,
  member: OracleMember,
  channel: OracleChannel,
  parent: OracleChannel | undefined,
  now: number,
): bigint {
  const base = baseOf(guild, member);
  if (base.exempt) return ORACLE_ALL;
  const isThread = THREADS.includes(channel.type);
  const overwrites = (isThread ? parent! : channel).permissionOverwrites;
  let perms = base.perms;

  const everyoneOverwrite = overwrites.find((o) => o.type === 0 && o.id === guild.id);
  if (everyoneOverwrite) {
    perms &= ~everyoneOverwrite.deny;
    perms |= everyoneOverwrite.allow;
  }
  let allow = 0n;
  let deny = 0n;
  for (const role of memberRoles(guild, member)) {
    const overwrite = overwrites.find((o) => o.type === 0 && o.id === role.id);
    if (overwrite) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  perms &= ~deny;
  perms |= allow;
  const memberOverwrite = overwrites.find((o) => o.type === 1 && o.id === member.userId);
  if (memberOverwrite) {
    perms &= ~memberOverwrite.deny;
    perms |= memberOverwrite.allow;
  }

  if ((perms & P.ViewChannel) === 0n) return 0n;
  const sendDependent = P.MentionEveryone | P.SendTTSMessages | P.AttachFiles | P.EmbedLinks;
  if (isThread && (perms & P.SendMessagesInThreads) === 0n) perms &= ~sendDependent;
  if (TEXT.includes(channel.type) && (perms & P.SendMessages) === 0n) perms &= ~sendDependent;
  if (VOICE.includes(channel.type) && (perms & P.Connect) === 0n) {
    perms &= ~(
      P.ManageChannels |
      P.Speak |
      P.Stream |
      P.UseVAD |
      P.PrioritySpeaker |
      P.MuteMembers |
      P.DeafenMembers |
      P.MoveMembers |
      P.RequestToSpeak |
      P.UseSoundboard |
      P.UseExternalSounds |
      P.UseEmbeddedActivities |
      P.SetVoiceChannelStatus
    );
  }
  if (timedOut(member, now)) perms &= P.ViewChannel | P.ReadMessageHistory;
  return perms;
}
