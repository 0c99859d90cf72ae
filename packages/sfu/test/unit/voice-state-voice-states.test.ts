import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { SfuErrorCode } from '../../src/errors.js';
import type { VoiceChannelInfo, VoiceState } from '../../src/voice-state/types.js';
import { VoiceStates } from '../../src/voice-state/voice-states.js';
import { codeOf } from '../support/code-of.js';

const G = 'g1';
const MEMBER = P.ViewChannel | P.Connect | P.Speak;
const MOD = MEMBER | P.MuteMembers | P.DeafenMembers | P.MoveMembers;

interface Fixture {
  readonly voice: VoiceStates;
  readonly events: VoiceState[];
  readonly perms: Map<string, bigint>;
  readonly channels: Map<string, VoiceChannelInfo>;
}

function setup(): Fixture {
  const perms = new Map<string, bigint>();
  const channels = new Map<string, VoiceChannelInfo>([
    ['voice', { type: ChannelType.GuildVoice, userLimit: 0 }],
    ['small', { type: ChannelType.GuildVoice, userLimit: 1 }],
    ['stage', { type: ChannelType.GuildStageVoice, userLimit: 0 }],
    ['text', { type: ChannelType.GuildText, userLimit: 0 }],
  ]);
  const voice = new VoiceStates({
    permissions: (guildId, channelId, userId) =>
      guildId === G ? (perms.get(`${channelId}:${userId}`) ?? MEMBER) : 0n,
    channel: (guildId, channelId) => (guildId === G ? channels.get(channelId) : undefined),
  });
  const events: VoiceState[] = [];
  voice.on('voiceStateUpdate', (state) => events.push(state));
  return { voice, events, perms, channels };
}

const join = (channel_id: string | null, self_mute = false, self_deaf = false) => ({
  channel_id,
  self_mute,
  self_deaf,
});

describe('VoiceStates.update (op 4)', () => {
  it('joins a voice channel and emits the full Discord-shaped state', () => {
    const { voice, events } = setup();
    const state = voice.update(G, 'u1', 's1', join('voice'));
    const expected: VoiceState = {
      guild_id: G,
      channel_id: 'voice',
      user_id: 'u1',
      session_id: 's1',
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: false,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
    expect(state).toEqual(expected);
    expect(events).toEqual([expected]);
    expect(voice.get(G, 'u1')).toEqual(expected);
    expect(voice.channelMembers(G, 'voice')).toEqual([expected]);
  });

  it('refuses a join without CONNECT or VIEW_CHANNEL with GK_SFU_MISSING_CONNECT', () => {
    const { voice, events, perms } = setup();
    perms.set('voice:u1', P.ViewChannel | P.Speak);
    perms.set('voice:u2', P.Connect | P.Speak);
    expect(codeOf(() => voice.update(G, 'u1', 's1', join('voice')))).toBe(
      SfuErrorCode.MissingConnect,
    );
    expect(() => voice.update(G, 'u2', 's2', join('voice'))).toThrow(/VIEW_CHANNEL/);
    expect(voice.get(G, 'u1')).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('refuses unknown and non-voice channels with GK_SFU_UNKNOWN_CHANNEL', () => {
    const { voice } = setup();
    expect(codeOf(() => voice.update(G, 'u1', 's1', join('nope')))).toBe(
      SfuErrorCode.UnknownChannel,
    );
    expect(codeOf(() => voice.update(G, 'u1', 's1', join('text')))).toBe(
      SfuErrorCode.UnknownChannel,
    );
    expect(codeOf(() => voice.update('other', 'u1', 's1', join('voice')))).toBe(
      SfuErrorCode.UnknownChannel,
    );
  });

  it('moves between channels with one update and checks the target', () => {
    const { voice, events, perms } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    voice.update(G, 'u1', 's1', join('stage'));
    expect(events.map((e) => e.channel_id)).toEqual(['voice', 'stage']);
    expect(voice.channelMembers(G, 'voice')).toEqual([]);
    expect(voice.channelMembers(G, 'stage').map((s) => s.user_id)).toEqual(['u1']);
    perms.set('voice:u1', P.ViewChannel);
    expect(codeOf(() => voice.update(G, 'u1', 's1', join('voice')))).toBe(
      SfuErrorCode.MissingConnect,
    );
    expect(voice.get(G, 'u1')?.channel_id).toBe('stage');
  });

  it('leaves with channel_id null, and leaving when not connected is a silent no-op', () => {
    const { voice, events } = setup();
    expect(voice.update(G, 'u1', 's1', join(null))).toBeUndefined();
    expect(events).toEqual([]);
    voice.update(G, 'u1', 's1', { ...join('voice'), self_video: true });
    voice.update(G, 'u1', 's1', join(null, true, false));
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ channel_id: null, self_mute: true, self_video: false });
    expect(voice.get(G, 'u1')).toBeUndefined();
    expect(voice.channelMembers(G, 'voice')).toEqual([]);
  });

  it('toggles self mute/deaf/video in place and emits nothing for a no-op', () => {
    const { voice, events } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    voice.update(G, 'u1', 's1', join('voice', true, true));
    voice.update(G, 'u1', 's1', join('voice', true, true));
    voice.update(G, 'u1', 's1', { ...join('voice', true, true), self_video: true });
    voice.update(G, 'u1', 's1', join('voice', true, true));
    expect(events).toHaveLength(3);
    expect(events[1]).toMatchObject({ self_mute: true, self_deaf: true, self_video: false });
    expect(events[2]).toMatchObject({ self_video: true });
    expect(voice.get(G, 'u1')?.self_video).toBe(true);
  });

  it('keeps one state per guild and user: a new session replaces the old one', () => {
    const { voice, events } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    voice.update(G, 'u1', 's2', join('voice'));
    expect(events.map((e) => e.session_id)).toEqual(['s1', 's2']);
    expect(voice.channelMembers(G, 'voice').map((s) => s.session_id)).toEqual(['s2']);
  });

  it('refuses a join at user_limit with GK_SFU_CHANNEL_FULL unless the user has MOVE_MEMBERS', () => {
    const { voice, perms } = setup();
    voice.update(G, 'u1', 's1', join('small'));
    expect(codeOf(() => voice.update(G, 'u2', 's2', join('small')))).toBe(SfuErrorCode.ChannelFull);
    voice.update(G, 'u2', 's2', join('voice'));
    expect(codeOf(() => voice.update(G, 'u2', 's2', join('small')))).toBe(SfuErrorCode.ChannelFull);
    perms.set('small:u3', MEMBER | P.MoveMembers);
    voice.update(G, 'u3', 's3', join('small'));
    expect(voice.channelMembers(G, 'small')).toHaveLength(2);
  });

  it('does not count the user against the limit of the channel it is already in', () => {
    const { voice, events } = setup();
    voice.update(G, 'u1', 's1', join('small'));
    voice.update(G, 'u1', 's1', join('small', true));
    expect(events).toHaveLength(2);
  });

  it('seats stage joiners as audience (suppress) and keeps it across self toggles', () => {
    const { voice } = setup();
    voice.update(G, 'u1', 's1', join('stage'));
    expect(voice.get(G, 'u1')?.suppress).toBe(true);
    voice.update(G, 'u1', 's1', join('stage', true));
    expect(voice.get(G, 'u1')?.suppress).toBe(true);
    voice.update(G, 'u1', 's1', join('voice'));
    expect(voice.get(G, 'u1')?.suppress).toBe(false);
  });
});

describe('VoiceStates.canSpeak / isPrioritySpeaker', () => {
  it('needs SPEAK, no server mute, no self mute and no suppress', () => {
    const { voice, perms } = setup();
    expect(voice.canSpeak(G, 'u1')).toBe(false);
    voice.update(G, 'u1', 's1', join('voice'));
    expect(voice.canSpeak(G, 'u1')).toBe(true);
    voice.update(G, 'u1', 's1', join('voice', true));
    expect(voice.canSpeak(G, 'u1')).toBe(false);
    voice.update(G, 'u1', 's1', join('voice'));
    perms.set('voice:mod', MOD);
    voice.setServerMute('mod', G, 'u1', true);
    expect(voice.canSpeak(G, 'u1')).toBe(false);
    voice.setServerMute('mod', G, 'u1', false);
    perms.set('voice:u1', P.ViewChannel | P.Connect);
    expect(voice.canSpeak(G, 'u1')).toBe(false);
    voice.update(G, 'u2', 's2', join('stage'));
    expect(voice.canSpeak(G, 'u2')).toBe(false);
  });

  it('lets a user without SPEAK connect but not speak', () => {
    const { voice, perms } = setup();
    perms.set('voice:u1', P.ViewChannel | P.Connect);
    expect(voice.update(G, 'u1', 's1', join('voice'))?.channel_id).toBe('voice');
    expect(voice.canSpeak(G, 'u1')).toBe(false);
  });

  it('reports PRIORITY_SPEAKER in the current channel only', () => {
    const { voice, perms } = setup();
    perms.set('voice:u1', MEMBER | P.PrioritySpeaker);
    expect(voice.isPrioritySpeaker(G, 'u1')).toBe(false);
    voice.update(G, 'u1', 's1', join('voice'));
    expect(voice.isPrioritySpeaker(G, 'u1')).toBe(true);
    voice.update(G, 'u1', 's1', join('stage'));
    expect(voice.isPrioritySpeaker(G, 'u1')).toBe(false);
  });
});

describe('VoiceStates moderation', () => {
  it('server mute needs MUTE_MEMBERS in the target channel and names it', () => {
    const { voice, events, perms } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    perms.set('stage:mod', MOD);
    expect(() => voice.setServerMute('mod', G, 'u1', true)).toThrow(/MUTE_MEMBERS/);
    expect(codeOf(() => voice.setServerMute('mod', G, 'u1', true))).toBe(
      SfuErrorCode.MissingPermission,
    );
    perms.set('voice:mod', MEMBER | P.MuteMembers);
    expect(voice.setServerMute('mod', G, 'u1', true).mute).toBe(true);
    voice.setServerMute('mod', G, 'u1', true);
    expect(events.map((e) => e.mute)).toEqual([false, true]);
  });

  it('server deafen needs DEAFEN_MEMBERS', () => {
    const { voice, perms } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    perms.set('voice:mod', MEMBER | P.MuteMembers);
    expect(() => voice.setServerDeaf('mod', G, 'u1', true)).toThrow(/DEAFEN_MEMBERS/);
    perms.set('voice:mod', MEMBER | P.DeafenMembers);
    expect(voice.setServerDeaf('mod', G, 'u1', true)).toMatchObject({ deaf: true, mute: false });
  });

  it('keeps server mute and deafen across leave and rejoin, as Discord member state', () => {
    const { voice, perms } = setup();
    perms.set('voice:mod', MOD);
    voice.update(G, 'u1', 's1', join('voice'));
    voice.setServerMute('mod', G, 'u1', true);
    voice.setServerDeaf('mod', G, 'u1', true);
    voice.update(G, 'u1', 's1', join(null));
    expect(voice.update(G, 'u1', 's2', join('voice'))).toMatchObject({ mute: true, deaf: true });
    voice.setServerMute('mod', G, 'u1', false);
    voice.setServerDeaf('mod', G, 'u1', false);
    voice.update(G, 'u1', 's2', join(null));
    expect(voice.update(G, 'u1', 's3', join('voice'))).toMatchObject({ mute: false, deaf: false });
  });

  it('moderation of a user not in voice fails with GK_SFU_NOT_CONNECTED', () => {
    const { voice, perms } = setup();
    perms.set('voice:mod', MOD);
    expect(codeOf(() => voice.setServerMute('mod', G, 'u1', true))).toBe(SfuErrorCode.NotConnected);
    expect(codeOf(() => voice.setServerDeaf('mod', G, 'u1', true))).toBe(SfuErrorCode.NotConnected);
    expect(codeOf(() => voice.move('mod', G, 'u1', 'voice'))).toBe(SfuErrorCode.NotConnected);
    expect(codeOf(() => voice.disconnect('mod', G, 'u1'))).toBe(SfuErrorCode.NotConnected);
  });

  it('move needs MOVE_MEMBERS in both channels and CONNECT for the target', () => {
    const { voice, events, perms } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    perms.set('voice:mod', MOD);
    expect(() => voice.move('mod', G, 'u1', 'stage')).toThrow(/MOVE_MEMBERS in channel stage/);
    perms.set('stage:mod', MOD);
    perms.set('stage:u1', P.ViewChannel);
    expect(codeOf(() => voice.move('mod', G, 'u1', 'stage'))).toBe(SfuErrorCode.MissingConnect);
    expect(codeOf(() => voice.move('mod', G, 'u1', 'text'))).toBe(SfuErrorCode.UnknownChannel);
    perms.delete('stage:u1');
    expect(voice.move('mod', G, 'u1', 'stage')).toMatchObject({
      channel_id: 'stage',
      suppress: true,
      session_id: 's1',
    });
    voice.move('mod', G, 'u1', 'stage');
    expect(events.map((e) => e.channel_id)).toEqual(['voice', 'stage']);
  });

  it('a moderator move ignores the destination user_limit', () => {
    const { voice, perms } = setup();
    perms.set('voice:mod', MOD);
    perms.set('small:mod', MOD);
    voice.update(G, 'u1', 's1', join('small'));
    voice.update(G, 'u2', 's2', join('voice'));
    voice.move('mod', G, 'u2', 'small');
    expect(voice.channelMembers(G, 'small').map((s) => s.user_id)).toEqual(['u1', 'u2']);
  });

  it('disconnect needs MOVE_MEMBERS and emits a leave', () => {
    const { voice, events, perms } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    perms.set('voice:mod', MEMBER | P.MuteMembers);
    expect(() => voice.disconnect('mod', G, 'u1')).toThrow(/MOVE_MEMBERS/);
    perms.set('voice:mod', MOD);
    voice.disconnect('mod', G, 'u1');
    expect(events.at(-1)).toMatchObject({ channel_id: null, user_id: 'u1', session_id: 's1' });
    expect(voice.get(G, 'u1')).toBeUndefined();
  });
});

describe('VoiceStates.recheck', () => {
  it('disconnects users who lost CONNECT or VIEW_CHANNEL and keeps the rest', () => {
    const { voice, events, perms } = setup();
    for (const u of ['u1', 'u2', 'u3']) voice.update(G, u, `s-${u}`, join('voice'));
    perms.set('voice:u1', P.ViewChannel | P.Speak);
    perms.set('voice:u3', P.Connect);
    events.length = 0;
    expect(voice.recheck(G, 'voice')).toEqual(['u1', 'u3']);
    expect(events.map((e) => [e.user_id, e.channel_id])).toEqual([
      ['u1', null],
      ['u3', null],
    ]);
    expect(voice.channelMembers(G, 'voice').map((s) => s.user_id)).toEqual(['u2']);
    expect(voice.recheck(G, 'voice')).toEqual([]);
  });

  it('disconnects everyone when the channel is gone', () => {
    const { voice, channels } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    channels.delete('voice');
    expect(voice.recheck(G, 'voice')).toEqual(['u1']);
  });

  it('leaves users over a lowered user_limit connected', () => {
    const { voice, channels } = setup();
    voice.update(G, 'u1', 's1', join('voice'));
    voice.update(G, 'u2', 's2', join('voice'));
    channels.set('voice', { type: ChannelType.GuildVoice, userLimit: 1 });
    expect(voice.recheck(G, 'voice')).toEqual([]);
  });
});

describe('VoiceStates events', () => {
  it('stores the change before emitting and contains listener throws', () => {
    const { voice } = setup();
    const errors: unknown[] = [];
    const seen: (string | null | undefined)[] = [];
    voice.on('voiceStateUpdate', (state) => {
      seen.push(voice.get(G, state.user_id)?.channel_id);
      throw new Error('listener bug');
    });
    voice.on('listenerError', (error) => errors.push(error));
    expect(voice.update(G, 'u1', 's1', join('voice'))?.channel_id).toBe('voice');
    expect(seen).toEqual(['voice']);
    expect(errors).toHaveLength(1);
  });
});
