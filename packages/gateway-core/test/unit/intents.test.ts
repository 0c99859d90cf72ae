import {
  checkIntents,
  DISPATCH_EVENT_INTENTS,
  KNOWN_INTENTS,
  PRIVILEGED_INTENTS,
  receivesDispatch,
} from '@guildkit/gateway-core';
import { GatewayDispatchEvents } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';

// Bit values as Discord's documentation lists them, written independently of the code.
const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_MODERATION = 1 << 2;
const GUILD_EXPRESSIONS = 1 << 3;
const GUILD_VOICE_STATES = 1 << 7;
const GUILD_PRESENCES = 1 << 8;
const GUILD_MESSAGES = 1 << 9;
const GUILD_MESSAGE_REACTIONS = 1 << 10;
const GUILD_MESSAGE_TYPING = 1 << 11;
const DIRECT_MESSAGES = 1 << 12;
const DIRECT_MESSAGE_TYPING = 1 << 14;
const MESSAGE_CONTENT = 1 << 15;
const AUTO_MODERATION_EXECUTION = 1 << 21;
const GUILD_MESSAGE_POLLS = 1 << 24;
const DIRECT_MESSAGE_POLLS = 1 << 25;

describe('checkIntents', () => {
  it('knows the privileged intents: GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT', () => {
    expect(PRIVILEGED_INTENTS).toBe(GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT);
  });

  it('accepts every documented unprivileged intent without any grant', () => {
    expect(checkIntents(KNOWN_INTENTS & ~PRIVILEGED_INTENTS, 0)).toEqual({ ok: true });
    expect(checkIntents(0, 0)).toEqual({ ok: true });
  });

  it('closes with 4013 on bits Discord does not define', () => {
    for (const intents of [1 << 26, 1 << 27, 1 << 30, -1, 2 ** 40, 1.5]) {
      expect(checkIntents(intents, PRIVILEGED_INTENTS)).toMatchObject({
        ok: false,
        closeCode: 4013,
      });
    }
  });

  it('closes with 4014 on a privileged intent the policy did not grant', () => {
    expect(checkIntents(GUILDS | MESSAGE_CONTENT, 0)).toMatchObject({ ok: false, closeCode: 4014 });
    expect(checkIntents(GUILD_MEMBERS, GUILD_PRESENCES)).toMatchObject({
      ok: false,
      closeCode: 4014,
    });
    expect(checkIntents(GUILD_MEMBERS | GUILD_PRESENCES, GUILD_MEMBERS | GUILD_PRESENCES)).toEqual({
      ok: true,
    });
  });
});

describe('DISPATCH_EVENT_INTENTS and receivesDispatch', () => {
  it('maps events to the intents of Discord’s list of intents', () => {
    const guildIntents: [string, number][] = [
      ['GUILD_CREATE', GUILDS],
      ['THREAD_MEMBERS_UPDATE', GUILDS],
      ['GUILD_MEMBER_ADD', GUILD_MEMBERS],
      ['GUILD_BAN_ADD', GUILD_MODERATION],
      ['GUILD_AUDIT_LOG_ENTRY_CREATE', GUILD_MODERATION],
      ['GUILD_STICKERS_UPDATE', GUILD_EXPRESSIONS],
      ['VOICE_STATE_UPDATE', GUILD_VOICE_STATES],
      ['PRESENCE_UPDATE', GUILD_PRESENCES],
      ['MESSAGE_DELETE_BULK', GUILD_MESSAGES],
      ['MESSAGE_REACTION_REMOVE_EMOJI', GUILD_MESSAGE_REACTIONS],
      ['TYPING_START', GUILD_MESSAGE_TYPING],
      ['AUTO_MODERATION_ACTION_EXECUTION', AUTO_MODERATION_EXECUTION],
      ['MESSAGE_POLL_VOTE_ADD', GUILD_MESSAGE_POLLS],
    ];
    for (const [event, bit] of guildIntents) {
      expect(DISPATCH_EVENT_INTENTS[event as GatewayDispatchEvents]?.guild).toBe(bit);
    }
    expect(DISPATCH_EVENT_INTENTS.MESSAGE_CREATE).toEqual({
      guild: GUILD_MESSAGES,
      direct: DIRECT_MESSAGES,
    });
    expect(DISPATCH_EVENT_INTENTS.CHANNEL_PINS_UPDATE).toEqual({
      guild: GUILDS,
      direct: DIRECT_MESSAGES,
    });
    expect(DISPATCH_EVENT_INTENTS.TYPING_START?.direct).toBe(DIRECT_MESSAGE_TYPING);
    expect(DISPATCH_EVENT_INTENTS.MESSAGE_POLL_VOTE_REMOVE?.direct).toBe(DIRECT_MESSAGE_POLLS);
  });

  it('only lists event names that GatewayDispatchEvents defines', () => {
    const known = new Set<string>(Object.values(GatewayDispatchEvents));
    for (const event of Object.keys(DISPATCH_EVENT_INTENTS)) expect(known.has(event)).toBe(true);
  });

  it('delivers a guild message only with GUILD_MESSAGES and a DM only with DIRECT_MESSAGES', () => {
    expect(receivesDispatch(GUILD_MESSAGES, 'MESSAGE_CREATE', true)).toBe(true);
    expect(receivesDispatch(GUILD_MESSAGES, 'MESSAGE_CREATE', false)).toBe(false);
    expect(receivesDispatch(DIRECT_MESSAGES, 'MESSAGE_CREATE', false)).toBe(true);
    expect(receivesDispatch(DIRECT_MESSAGES, 'MESSAGE_CREATE', true)).toBe(false);
  });

  it('always delivers events that need no intent', () => {
    for (const event of [
      'READY',
      'RESUMED',
      'INTERACTION_CREATE',
      'USER_UPDATE',
      'GUILD_MEMBERS_CHUNK',
    ]) {
      expect(receivesDispatch(0, event, true)).toBe(true);
    }
  });
});
