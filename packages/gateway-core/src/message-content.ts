import { GatewayIntentBits } from 'discord-api-types/v10';

/** The fields of a message that decide, and carry, its content. */
export interface MessageContentFields {
  /** Present on messages in a guild; absent in DMs. */
  readonly guild_id?: string | undefined;
  /** The message's author. */
  readonly author?: { readonly id: string } | undefined;
  /** The users the message mentions. */
  readonly mentions?: readonly { readonly id: string }[] | undefined;
  /** The text. */
  readonly content?: string | undefined;
  /** Embeds. */
  readonly embeds?: readonly unknown[] | undefined;
  /** Attachments. */
  readonly attachments?: readonly unknown[] | undefined;
  /** Components. */
  readonly components?: readonly unknown[] | undefined;
  /** A poll. */
  readonly poll?: unknown;
}

/**
 * Whether a MESSAGE_CREATE / MESSAGE_UPDATE must reach a session without its content. Discord
 * withholds content from apps without the MESSAGE_CONTENT intent, except in DMs, in messages
 * the app sent and in messages that mention the app.
 *
 * @param intents - the receiving session's intents.
 * @param message - the message (only `guild_id`, `author` and `mentions` are read).
 * @param botUserId - the receiving session's user id.
 * @returns `true` when the session must get {@link stripMessageContent}'s output.
 * @see {@link https://discord.com/developers/docs/events/gateway#message-content-intent | Discord: message content intent}
 * @example
 * ```ts
 * import { needsContentStripping, stripMessageContent } from '@guildkit/gateway-core';
 *
 * const d = needsContentStripping(session.intents, message, session.userId)
 *   ? stripMessageContent(message)
 *   : message;
 * ```
 */
export function needsContentStripping(
  intents: number,
  message: MessageContentFields,
  botUserId: string,
): boolean {
  if ((intents & GatewayIntentBits.MessageContent) !== 0) return false;
  if (message.guild_id === undefined) return false;
  if (message.author?.id === botUserId) return false;
  return !(message.mentions?.some((user) => user.id === botUserId) ?? false);
}

/**
 * A copy of a message as an app without MESSAGE_CONTENT sees it: `content` empty, `embeds`,
 * `attachments` and `components` empty arrays, and no `poll` at all. Fields absent from a
 * partial MESSAGE_UPDATE stay absent. The input is not modified.
 *
 * @param message - the message payload.
 * @returns the stripped copy.
 * @example
 * ```ts
 * import { stripMessageContent } from '@guildkit/gateway-core';
 *
 * stripMessageContent({ id: '1', content: 'secret', embeds: [{}] });
 * // { id: '1', content: '', embeds: [] }
 * ```
 */
export function stripMessageContent<T extends MessageContentFields>(message: T): T {
  const stripped = { ...message } as Record<string, unknown>;
  if ('content' in stripped) stripped['content'] = '';
  if ('embeds' in stripped) stripped['embeds'] = [];
  if ('attachments' in stripped) stripped['attachments'] = [];
  if ('components' in stripped) stripped['components'] = [];
  delete stripped['poll'];
  return stripped as T;
}
