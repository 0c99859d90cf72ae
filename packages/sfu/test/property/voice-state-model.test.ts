import { fc, test } from '@fast-check/vitest';
import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { describe, expect } from 'vitest';
import { SfuError, SfuErrorCode } from '../../src/errors.js';
import type { VoiceChannelInfo, VoiceState } from '../../src/voice-state/types.js';
import { VoiceStates } from '../../src/voice-state/voice-states.js';

const G = 'g';
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'] as const;
const CHANNELS = ['c0', 'c1', 'c2', 'c3', 'cx'] as const;
const BITS = [
  P.ViewChannel,
  P.Connect,
  P.Speak,
  P.MuteMembers,
  P.DeafenMembers,
  P.MoveMembers,
  P.PrioritySpeaker,
] as const;
/** Mostly allowed, so joins succeed often enough to exercise limits and moderation. */
const permBits = fc
  .array(fc.boolean(), { minLength: BITS.length, maxLength: BITS.length })
  .map((on) => BITS.reduce((acc, bit, i) => (on[i] === true || i < 3 ? acc | bit : acc), 0n))
  .chain((base) => fc.oneof({ arbitrary: fc.constant(base), weight: 4 }, fc.constant(0n)));

const user = fc.constantFrom(...USERS);
const channel = fc.constantFrom(...CHANNELS);
const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      user,
      session: fc.constantFrom('s1', 's2'),
      channel: fc.option(channel, { nil: null, freq: 4 }),
      selfMute: fc.boolean(),
      selfDeaf: fc.boolean(),
      selfVideo: fc.option(fc.boolean(), { nil: undefined }),
    }),
  },
  fc.record({
    kind: fc.constantFrom('mute' as const, 'deaf' as const),
    actor: user,
    user,
    value: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('move' as const), actor: user, user, channel }),
  fc.record({ kind: fc.constant('disconnect' as const), actor: user, user }),
  fc.record({ kind: fc.constant('revoke' as const), user, channel, bits: permBits }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** The rules, written as plainly as possible. */
class Model {
  readonly states = new Map<string, VoiceState>();
  readonly server = new Map<string, { mute: boolean; deaf: boolean }>();
  constructor(
    readonly perms: Map<string, bigint>,
    readonly channels: Map<string, VoiceChannelInfo>,
  ) {}

  has(c: string, u: string, bit: bigint): boolean {
    return ((this.perms.get(`${c}:${u}`) ?? 0n) & bit) === bit;
  }
  voice(c: string): VoiceChannelInfo {
    const info = this.channels.get(c);
    if (info?.type !== ChannelType.GuildVoice && info?.type !== ChannelType.GuildStageVoice) {
      throw new SfuError(SfuErrorCode.UnknownChannel, c);
    }
    return info;
  }
  count(c: string): number {
    return [...this.states.values()].filter((s) => s.channel_id === c).length;
  }
  need(ok: boolean, code: SfuErrorCode): void {
    if (!ok) throw new SfuError(code, code);
  }
  connected(u: string): VoiceState {
    const s = this.states.get(u);
    this.need(s !== undefined, SfuErrorCode.NotConnected);
    return s as VoiceState;
  }
  canConnect(c: string, u: string): boolean {
    return this.has(c, u, P.ViewChannel) && this.has(c, u, P.Connect);
  }
  set(prev: VoiceState | undefined, next: VoiceState, out: VoiceState[]): void {
    if (prev !== undefined && JSON.stringify(prev) === JSON.stringify(next)) return;
    if (next.channel_id === null) this.states.delete(next.user_id);
    else this.states.set(next.user_id, next);
    out.push(next);
  }
  left(s: VoiceState): VoiceState {
    return { ...s, channel_id: null, self_video: false, suppress: false };
  }

  apply(o: Op, out: VoiceState[]): void {
    const prev = this.states.get(o.user);
    switch (o.kind) {
      case 'update': {
        const flags = { self_mute: o.selfMute, self_deaf: o.selfDeaf };
        if (o.channel === null) {
          if (prev) this.set(prev, { ...this.left(prev), ...flags, session_id: o.session }, out);
          return;
        }
        const info = this.voice(o.channel);
        const moving = prev?.channel_id !== o.channel;
        if (moving) {
          this.need(this.canConnect(o.channel, o.user), SfuErrorCode.MissingConnect);
          this.need(
            info.userLimit === 0 ||
              this.count(o.channel) < info.userLimit ||
              this.has(o.channel, o.user, P.MoveMembers),
            SfuErrorCode.ChannelFull,
          );
        }
        const server = this.server.get(o.user) ?? { mute: false, deaf: false };
        this.set(
          prev,
          {
            guild_id: G,
            channel_id: o.channel,
            user_id: o.user,
            session_id: o.session,
            deaf: server.deaf,
            mute: server.mute,
            ...flags,
            self_video: o.selfVideo ?? prev?.self_video ?? false,
            suppress: moving
              ? info.type === ChannelType.GuildStageVoice
              : (prev?.suppress ?? false),
            request_to_speak_timestamp: null,
          },
          out,
        );
        return;
      }
      case 'mute':
      case 'deaf': {
        const s = this.connected(o.user);
        const bit = o.kind === 'mute' ? P.MuteMembers : P.DeafenMembers;
        this.need(this.has(s.channel_id ?? '', o.actor, bit), SfuErrorCode.MissingPermission);
        const flags = { mute: s.mute, deaf: s.deaf, [o.kind]: o.value };
        this.server.set(o.user, flags);
        this.set(s, { ...s, ...flags }, out);
        return;
      }
      case 'move': {
        const s = this.connected(o.user);
        const info = this.voice(o.channel);
        this.need(
          this.has(s.channel_id ?? '', o.actor, P.MoveMembers) &&
            this.has(o.channel, o.actor, P.MoveMembers),
          SfuErrorCode.MissingPermission,
        );
        if (s.channel_id === o.channel) return;
        this.need(this.canConnect(o.channel, o.user), SfuErrorCode.MissingConnect);
        const suppress = info.type === ChannelType.GuildStageVoice;
        this.set(s, { ...s, channel_id: o.channel, suppress }, out);
        return;
      }
      case 'disconnect': {
        const s = this.connected(o.user);
        this.need(
          this.has(s.channel_id ?? '', o.actor, P.MoveMembers),
          SfuErrorCode.MissingPermission,
        );
        this.set(s, this.left(s), out);
        return;
      }
      case 'revoke': {
        this.perms.set(`${o.channel}:${o.user}`, o.bits);
        for (const s of [...this.states.values()]) {
          if (s.channel_id === o.channel && !this.canConnect(o.channel, s.user_id)) {
            this.set(s, this.left(s), out);
          }
        }
        return;
      }
    }
  }
}

function run(real: VoiceStates, o: Op): void {
  switch (o.kind) {
    case 'update':
      real.update(G, o.user, o.session, {
        channel_id: o.channel,
        self_mute: o.selfMute,
        self_deaf: o.selfDeaf,
        ...(o.selfVideo === undefined ? {} : { self_video: o.selfVideo }),
      });
      return;
    case 'mute':
      real.setServerMute(o.actor, G, o.user, o.value);
      return;
    case 'deaf':
      real.setServerDeaf(o.actor, G, o.user, o.value);
      return;
    case 'move':
      real.move(o.actor, G, o.user, o.channel);
      return;
    case 'disconnect':
      real.disconnect(o.actor, G, o.user);
      return;
    case 'revoke':
      real.recheck(G, o.channel);
      return;
  }
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof SfuError) return error.code;
    throw error;
  }
}

const world = fc.record({
  perms: fc.array(permBits, {
    minLength: USERS.length * CHANNELS.length,
    maxLength: USERS.length * CHANNELS.length,
  }),
  limit: fc.integer({ min: 0, max: 3 }),
  stageLimit: fc.integer({ min: 0, max: 2 }),
  ops: fc.array(op, { maxLength: 60, size: 'max' }),
});

describe('VoiceStates against a model of the rules', () => {
  test.prop([world], { numRuns: 300 })(
    'emits exactly the model states, fails with the model codes, never overfills',
    ({ perms, limit, stageLimit, ops }) => {
      const table = new Map<string, bigint>();
      for (const [ci, c] of CHANNELS.entries()) {
        for (const [ui, u] of USERS.entries()) {
          table.set(`${c}:${u}`, perms[ci * USERS.length + ui] ?? 0n);
        }
      }
      const channels = new Map<string, VoiceChannelInfo>([
        ['c0', { type: ChannelType.GuildVoice, userLimit: 0 }],
        ['c1', { type: ChannelType.GuildVoice, userLimit: limit }],
        ['c2', { type: ChannelType.GuildStageVoice, userLimit: stageLimit }],
        ['c3', { type: ChannelType.GuildText, userLimit: 0 }],
      ]);
      const model = new Model(new Map(table), channels);
      const real = new VoiceStates({
        permissions: (_g, c, u) => table.get(`${c}:${u}`) ?? 0n,
        channel: (_g, c) => channels.get(c),
      });
      const emitted: VoiceState[] = [];
      real.on('voiceStateUpdate', (s) => emitted.push(s));

      for (const o of ops) {
        if (o.kind === 'revoke') table.set(`${o.channel}:${o.user}`, o.bits);
        const expected: VoiceState[] = [];
        const before = real.get(G, o.user)?.channel_id;
        expect(codeOf(() => run(real, o))).toBe(codeOf(() => model.apply(o, expected)));
        expect(emitted.splice(0)).toEqual(expected);
        for (const u of USERS) expect(real.get(G, u)).toEqual(model.states.get(u));

        const after = real.get(G, o.user)?.channel_id;
        const info = after == null ? undefined : channels.get(after);
        if (o.kind === 'update' && after != null && after !== before && info !== undefined) {
          const bypass = ((table.get(`${after}:${o.user}`) ?? 0n) & P.MoveMembers) !== 0n;
          const count = real.channelMembers(G, after).length;
          if (!bypass && info.userLimit > 0) expect(count).toBeLessThanOrEqual(info.userLimit);
        }
      }
    },
  );
});
