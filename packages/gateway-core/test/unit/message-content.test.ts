import { needsContentStripping, stripMessageContent } from '@guildkit/gateway-core';
import { describe, expect, it } from 'vitest';

const MESSAGE_CONTENT = 1 << 15;
const GUILD_MESSAGES = 1 << 9;
const BOT = '111';

const guildMessage = {
  id: '9',
  guild_id: '81384788765712384',
  author: { id: '222' },
  mentions: [] as { id: string }[],
  content: 'secret',
  embeds: [{ title: 'e' }],
  attachments: [{ id: 'a' }],
  components: [{ type: 1 }],
  poll: { question: { text: 'q' } },
  pinned: false,
};

describe('needsContentStripping', () => {
  it('strips guild messages for sessions without MESSAGE_CONTENT', () => {
    expect(needsContentStripping(GUILD_MESSAGES, guildMessage, BOT)).toBe(true);
    expect(needsContentStripping(GUILD_MESSAGES | MESSAGE_CONTENT, guildMessage, BOT)).toBe(false);
  });

  it('keeps content in DMs, in the bot’s own messages and in messages that mention the bot', () => {
    const { guild_id: _, ...dm } = guildMessage;
    expect(needsContentStripping(0, dm, BOT)).toBe(false);
    expect(needsContentStripping(0, { ...guildMessage, author: { id: BOT } }, BOT)).toBe(false);
    expect(
      needsContentStripping(0, { ...guildMessage, mentions: [{ id: '5' }, { id: BOT }] }, BOT),
    ).toBe(false);
  });
});

describe('stripMessageContent', () => {
  it('empties content, embeds, attachments and components and drops the poll', () => {
    const stripped = stripMessageContent(guildMessage);
    expect(stripped).toEqual({
      id: '9',
      guild_id: '81384788765712384',
      author: { id: '222' },
      mentions: [],
      content: '',
      embeds: [],
      attachments: [],
      components: [],
      pinned: false,
    });
    expect(guildMessage.content).toBe('secret');
  });

  it('leaves fields absent from a partial MESSAGE_UPDATE absent', () => {
    expect(stripMessageContent({ id: '9', guild_id: '1', embeds: [{}] })).toEqual({
      id: '9',
      guild_id: '1',
      embeds: [],
    });
  });
});
