import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';

/** Every intent bit Discord documents (`GatewayIntentBits`), OR-ed together. */
export const KNOWN_INTENTS: number = Object.values(GatewayIntentBits)
  .filter((bit): bit is GatewayIntentBits => typeof bit === 'number')
  .reduce((mask, bit) => mask | bit, 0);

/** The privileged intents: GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT. */
export const PRIVILEGED_INTENTS: number =
  GatewayIntentBits.GuildMembers |
  GatewayIntentBits.GuildPresences |
  GatewayIntentBits.MessageContent;

/** The outcome of {@link checkIntents}: accepted, or the close code to send. */
export type IntentsCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly closeCode: GatewayCloseCodes.InvalidIntents | GatewayCloseCodes.DisallowedIntents;
      readonly reason: string;
    };

/**
 * Validates the `intents` of an IDENTIFY: a bit Discord does not define closes with 4013
 * (invalid intents); a privileged intent the application was not granted closes with 4014
 * (disallowed intents). Pure: the grant comes from the caller's policy.
 *
 * @param intents - the IDENTIFY's `intents`.
 * @param grantedPrivileged - the privileged intents this application may use (a subset of
 * {@link PRIVILEGED_INTENTS}; other bits are ignored).
 * @returns `{ ok: true }` or `{ ok: false, closeCode, reason }`.
 * @see {@link https://discord.com/developers/docs/events/gateway#privileged-intents | Discord: privileged intents}
 * @example
 * ```ts
 * import { checkIntents, PRIVILEGED_INTENTS } from '@guildkit/gateway-core';
 *
 * checkIntents(1 << 15, 0); // { ok: false, closeCode: 4014, … } — MESSAGE_CONTENT not granted
 * checkIntents(1 << 15, PRIVILEGED_INTENTS); // { ok: true }
 * ```
 */
export function checkIntents(intents: number, grantedPrivileged: number): IntentsCheck {
  if (
    !Number.isSafeInteger(intents) ||
    intents < 0 ||
    intents > KNOWN_INTENTS ||
    (intents & ~KNOWN_INTENTS) !== 0
  ) {
    return {
      ok: false,
      closeCode: GatewayCloseCodes.InvalidIntents,
      reason: `intents ${String(intents)} set bits Discord does not define`,
    };
  }
  const disallowed = intents & PRIVILEGED_INTENTS & ~grantedPrivileged;
  if (disallowed !== 0) {
    return {
      ok: false,
      closeCode: GatewayCloseCodes.DisallowedIntents,
      reason: `privileged intents ${disallowed} are not enabled for this application`,
    };
  }
  return { ok: true };
}

/** The intent an event needs, in a guild and in a DM (0: the event needs no intent there). */
export interface EventIntent {
  /** Needed when the event concerns a guild. */
  readonly guild: number;
  /** Needed when the event concerns a DM channel. */
  readonly direct: number;
}

const I = GatewayIntentBits;
const E = GatewayDispatchEvents;

function guildOnly(bit: number): EventIntent {
  return { guild: bit, direct: 0 };
}

/**
 * The intent each dispatch event needs, as Discord's list of intents documents it. Events
 * absent from the table (READY, RESUMED, INTERACTION_CREATE, USER_UPDATE, …) need no intent.
 * THREAD_MEMBERS_UPDATE is delivered with GUILDS (GUILD_MEMBERS only adds data to it).
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#list-of-intents | Discord: list of intents}
 * @example
 * ```ts
 * import { DISPATCH_EVENT_INTENTS } from '@guildkit/gateway-core';
 *
 * DISPATCH_EVENT_INTENTS.MESSAGE_CREATE; // { guild: 1 << 9, direct: 1 << 12 }
 * ```
 */
export const DISPATCH_EVENT_INTENTS: Readonly<Partial<Record<GatewayDispatchEvents, EventIntent>>> =
  {
    [E.GuildCreate]: guildOnly(I.Guilds),
    [E.GuildUpdate]: guildOnly(I.Guilds),
    [E.GuildDelete]: guildOnly(I.Guilds),
    [E.GuildRoleCreate]: guildOnly(I.Guilds),
    [E.GuildRoleUpdate]: guildOnly(I.Guilds),
    [E.GuildRoleDelete]: guildOnly(I.Guilds),
    [E.ChannelCreate]: guildOnly(I.Guilds),
    [E.ChannelUpdate]: guildOnly(I.Guilds),
    [E.ChannelDelete]: guildOnly(I.Guilds),
    [E.ChannelPinsUpdate]: { guild: I.Guilds, direct: I.DirectMessages },
    [E.ThreadCreate]: guildOnly(I.Guilds),
    [E.ThreadUpdate]: guildOnly(I.Guilds),
    [E.ThreadDelete]: guildOnly(I.Guilds),
    [E.ThreadListSync]: guildOnly(I.Guilds),
    [E.ThreadMemberUpdate]: guildOnly(I.Guilds),
    [E.ThreadMembersUpdate]: guildOnly(I.Guilds),
    [E.StageInstanceCreate]: guildOnly(I.Guilds),
    [E.StageInstanceUpdate]: guildOnly(I.Guilds),
    [E.StageInstanceDelete]: guildOnly(I.Guilds),
    [E.GuildMemberAdd]: guildOnly(I.GuildMembers),
    [E.GuildMemberUpdate]: guildOnly(I.GuildMembers),
    [E.GuildMemberRemove]: guildOnly(I.GuildMembers),
    [E.GuildAuditLogEntryCreate]: guildOnly(I.GuildModeration),
    [E.GuildBanAdd]: guildOnly(I.GuildModeration),
    [E.GuildBanRemove]: guildOnly(I.GuildModeration),
    [E.GuildEmojisUpdate]: guildOnly(I.GuildExpressions),
    [E.GuildStickersUpdate]: guildOnly(I.GuildExpressions),
    [E.GuildSoundboardSoundCreate]: guildOnly(I.GuildExpressions),
    [E.GuildSoundboardSoundUpdate]: guildOnly(I.GuildExpressions),
    [E.GuildSoundboardSoundDelete]: guildOnly(I.GuildExpressions),
    [E.GuildSoundboardSoundsUpdate]: guildOnly(I.GuildExpressions),
    [E.GuildIntegrationsUpdate]: guildOnly(I.GuildIntegrations),
    [E.IntegrationCreate]: guildOnly(I.GuildIntegrations),
    [E.IntegrationUpdate]: guildOnly(I.GuildIntegrations),
    [E.IntegrationDelete]: guildOnly(I.GuildIntegrations),
    [E.WebhooksUpdate]: guildOnly(I.GuildWebhooks),
    [E.InviteCreate]: guildOnly(I.GuildInvites),
    [E.InviteDelete]: guildOnly(I.GuildInvites),
    [E.VoiceChannelEffectSend]: guildOnly(I.GuildVoiceStates),
    [E.VoiceStateUpdate]: guildOnly(I.GuildVoiceStates),
    [E.PresenceUpdate]: guildOnly(I.GuildPresences),
    [E.MessageCreate]: { guild: I.GuildMessages, direct: I.DirectMessages },
    [E.MessageUpdate]: { guild: I.GuildMessages, direct: I.DirectMessages },
    [E.MessageDelete]: { guild: I.GuildMessages, direct: I.DirectMessages },
    [E.MessageDeleteBulk]: guildOnly(I.GuildMessages),
    [E.MessageReactionAdd]: { guild: I.GuildMessageReactions, direct: I.DirectMessageReactions },
    [E.MessageReactionRemove]: { guild: I.GuildMessageReactions, direct: I.DirectMessageReactions },
    [E.MessageReactionRemoveAll]: {
      guild: I.GuildMessageReactions,
      direct: I.DirectMessageReactions,
    },
    [E.MessageReactionRemoveEmoji]: {
      guild: I.GuildMessageReactions,
      direct: I.DirectMessageReactions,
    },
    [E.TypingStart]: { guild: I.GuildMessageTyping, direct: I.DirectMessageTyping },
    [E.GuildScheduledEventCreate]: guildOnly(I.GuildScheduledEvents),
    [E.GuildScheduledEventUpdate]: guildOnly(I.GuildScheduledEvents),
    [E.GuildScheduledEventDelete]: guildOnly(I.GuildScheduledEvents),
    [E.GuildScheduledEventUserAdd]: guildOnly(I.GuildScheduledEvents),
    [E.GuildScheduledEventUserRemove]: guildOnly(I.GuildScheduledEvents),
    [E.AutoModerationRuleCreate]: guildOnly(I.AutoModerationConfiguration),
    [E.AutoModerationRuleUpdate]: guildOnly(I.AutoModerationConfiguration),
    [E.AutoModerationRuleDelete]: guildOnly(I.AutoModerationConfiguration),
    [E.AutoModerationActionExecution]: guildOnly(I.AutoModerationExecution),
    [E.MessagePollVoteAdd]: { guild: I.GuildMessagePolls, direct: I.DirectMessagePolls },
    [E.MessagePollVoteRemove]: { guild: I.GuildMessagePolls, direct: I.DirectMessagePolls },
  };

/**
 * Whether a session that identified with `intents` receives an event.
 *
 * @param intents - the session's intents.
 * @param event - the dispatch event name.
 * @param inGuild - `true` when the event concerns a guild, `false` for a DM.
 * @returns `true` when the event needs no intent there or the session holds the one it needs.
 * @example
 * ```ts
 * import { receivesDispatch } from '@guildkit/gateway-core';
 *
 * receivesDispatch(1 << 12, 'MESSAGE_CREATE', false); // true: DIRECT_MESSAGES, in a DM
 * receivesDispatch(1 << 12, 'MESSAGE_CREATE', true); // false: needs GUILD_MESSAGES
 * ```
 */
export function receivesDispatch(intents: number, event: string, inGuild: boolean): boolean {
  const needed = DISPATCH_EVENT_INTENTS[event as GatewayDispatchEvents];
  if (needed === undefined) return true;
  const bit = inGuild ? needed.guild : needed.direct;
  return bit === 0 || (intents & bit) !== 0;
}
