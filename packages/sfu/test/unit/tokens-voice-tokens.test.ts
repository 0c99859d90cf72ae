import { createHmac } from 'node:crypto';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { SfuError, SfuErrorCode } from '../../src/errors.js';
import {
  DEFAULT_VOICE_TOKENS_OPTIONS,
  type VoiceTokenRequest,
  VoiceTokens,
} from '../../src/tokens/voice-tokens.js';

const SECRET_A = 'a'.repeat(32);
const SECRET_B = new Uint8Array(32).fill(7);
const START = 1_700_000_000_000;
const REQUEST: VoiceTokenRequest = {
  userId: '80351110224678912',
  guildId: '41771983423143937',
  channelId: '127121515262115840',
  nodeId: 'sfu-eu-1',
  sessionId: 'c0ffee',
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SfuError);
    return (error as SfuError).code;
  }
  throw new Error('expected a throw');
}

/** Signs an arbitrary claims payload the way a key holder would, to reach the claims checks. */
function signRaw(keyId: string, secret: string, claimsJson: string): string {
  const input = `gkv1.${keyId}.${Buffer.from(claimsJson).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function setup(ttlMs?: number) {
  const clock = new ManualClock(START);
  const tokens = new VoiceTokens({
    keys: { a: SECRET_A },
    currentKeyId: 'a',
    clock,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  });
  return { clock, tokens };
}

describe('VoiceTokens', () => {
  it('round-trips the claims, with iat = now and exp = now + 60 s by default', () => {
    const { tokens } = setup();
    const token = tokens.issue(REQUEST);
    expect(token).toMatch(/^gkv1\.a\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = tokens.verify(token, REQUEST);
    expect(claims).toMatchObject({ ...REQUEST, iat: START, exp: START + 60_000 });
    expect(DEFAULT_VOICE_TOKENS_OPTIONS.ttlMs).toBe(60_000);
    expect(Buffer.from(claims.nonce, 'base64url')).toHaveLength(16);
  });

  it('gives two tokens for equal requests different nonces', () => {
    const { tokens } = setup();
    const first = tokens.verify(tokens.issue(REQUEST), { nodeId: 'sfu-eu-1' });
    const second = tokens.verify(tokens.issue(REQUEST), { nodeId: 'sfu-eu-1' });
    expect(first.nonce).not.toBe(second.nonce);
  });

  it('accepts a token until exp - 1 ms and rejects it as expired at exp', () => {
    const { clock, tokens } = setup(5_000);
    const token = tokens.issue(REQUEST);
    clock.advance(4_999);
    expect(tokens.verify(token, { nodeId: 'sfu-eu-1' }).exp).toBe(START + 5_000);
    clock.advance(1);
    expect(codeOf(() => tokens.verify(token, { nodeId: 'sfu-eu-1' }))).toBe(
      SfuErrorCode.TokenExpired,
    );
  });

  it('tolerates clockSkewMs past exp, and no more', () => {
    const clock = new ManualClock(START);
    const keys = { a: SECRET_A };
    const issuer = new VoiceTokens({ keys, currentKeyId: 'a', clock, ttlMs: 1_000 });
    const verifier = new VoiceTokens({ keys, currentKeyId: 'a', clock, clockSkewMs: 500 });
    const token = issuer.issue(REQUEST);
    clock.advance(1_499);
    expect(verifier.verify(token, { nodeId: 'sfu-eu-1' }).userId).toBe(REQUEST.userId);
    clock.advance(1);
    expect(codeOf(() => verifier.verify(token, { nodeId: 'sfu-eu-1' }))).toBe(
      SfuErrorCode.TokenExpired,
    );
  });

  it('rejects a token for another node, guild, channel or user as wrong scope', () => {
    const { tokens } = setup();
    const token = tokens.issue(REQUEST);
    for (const expected of [
      { nodeId: 'sfu-us-1' },
      { nodeId: 'sfu-eu-1', guildId: '1' },
      { nodeId: 'sfu-eu-1', channelId: '1' },
      { nodeId: 'sfu-eu-1', userId: '1' },
    ]) {
      expect(codeOf(() => tokens.verify(token, expected))).toBe(SfuErrorCode.TokenWrongScope);
    }
  });

  it('never accepts a token with any single character changed', () => {
    const { tokens } = setup();
    const token = tokens.issue(REQUEST);
    for (let i = 0; i < token.length; i++) {
      for (const replacement of ['A', 'b', '-', '_', '.', '=', '+', '\u00e9']) {
        if (token[i] === replacement) continue;
        const mutated = token.slice(0, i) + replacement + token.slice(i + 1);
        expect([SfuErrorCode.TokenForged, SfuErrorCode.TokenMalformed]).toContain(
          codeOf(() => tokens.verify(mutated, { nodeId: 'sfu-eu-1' })),
        );
      }
    }
  });

  it('rejects a signature made with another secret as forged', () => {
    const { tokens } = setup();
    const forged = signRaw('a', 'b'.repeat(32), JSON.stringify({ ...REQUEST }));
    expect(codeOf(() => tokens.verify(forged, { nodeId: 'sfu-eu-1' }))).toBe(
      SfuErrorCode.TokenForged,
    );
  });

  it('keeps verifying old-key tokens after rotation, and calls them forged once the key is dropped', () => {
    const clock = new ManualClock(START);
    const before = new VoiceTokens({ keys: { a: SECRET_A }, currentKeyId: 'a', clock });
    const oldToken = before.issue(REQUEST);
    const rotated = new VoiceTokens({
      keys: { a: SECRET_A, b: SECRET_B },
      currentKeyId: 'b',
      clock,
    });
    const newToken = rotated.issue(REQUEST);
    expect(newToken.startsWith('gkv1.b.')).toBe(true);
    expect(rotated.verify(oldToken, { nodeId: 'sfu-eu-1' }).userId).toBe(REQUEST.userId);
    expect(rotated.verify(newToken, { nodeId: 'sfu-eu-1' }).userId).toBe(REQUEST.userId);
    const after = new VoiceTokens({ keys: { b: SECRET_B }, currentKeyId: 'b', clock });
    expect(after.verify(newToken, { nodeId: 'sfu-eu-1' }).userId).toBe(REQUEST.userId);
    expect(codeOf(() => after.verify(oldToken, { nodeId: 'sfu-eu-1' }))).toBe(
      SfuErrorCode.TokenForged,
    );
  });

  it('calls a token re-labelled with another held key id forged', () => {
    const clock = new ManualClock(START);
    const tokens = new VoiceTokens({
      keys: { a: SECRET_A, b: SECRET_B },
      currentKeyId: 'a',
      clock,
    });
    const relabelled = tokens.issue(REQUEST).replace(/^gkv1\.a\./, 'gkv1.b.');
    expect(codeOf(() => tokens.verify(relabelled, { nodeId: 'sfu-eu-1' }))).toBe(
      SfuErrorCode.TokenForged,
    );
  });

  it('rejects bad shapes as malformed', () => {
    const { tokens } = setup();
    const token = tokens.issue(REQUEST);
    const [, , claims, signature] = token.split('.');
    for (const bad of [
      '',
      'gkv1',
      'gkv1.a.b',
      `${token}.x`,
      token.replace('gkv1', 'gkv2'),
      `gkv1.bad key.${claims}.${signature}`,
      `gkv1.a.${claims}=.${signature}`,
      `gkv1.a.${claims}.${signature}A`,
      `gkv1.a.${claims}.${signature?.slice(0, -1)}B`,
      `gkv1.a.${'A'.repeat(2100)}.${signature}`,
      null as unknown as string,
      42 as unknown as string,
    ]) {
      expect(codeOf(() => tokens.verify(bad, { nodeId: 'sfu-eu-1' }))).toBe(
        SfuErrorCode.TokenMalformed,
      );
    }
  });

  it('rejects validly signed but ill-typed claims as malformed', () => {
    const { tokens } = setup();
    const good = { ...REQUEST, iat: START, exp: START + 1000, nonce: `${'A'.repeat(21)}w` };
    expect(
      tokens.verify(signRaw('a', SECRET_A, JSON.stringify(good)), { nodeId: 'sfu-eu-1' }),
    ).toEqual(good);
    for (const json of [
      'not json',
      '[]',
      'null',
      JSON.stringify({ ...good, userId: '' }),
      JSON.stringify({ ...good, guildId: 41771983 }),
      JSON.stringify({ ...good, exp: String(good.exp) }),
      JSON.stringify({ ...good, exp: good.iat - 1 }),
      JSON.stringify({ ...good, iat: 1.5 }),
      JSON.stringify({ ...good, nonce: 'short' }),
      JSON.stringify({ ...good, admin: true }),
      JSON.stringify({ ...REQUEST, iat: START, exp: START + 1000 }),
    ]) {
      expect(
        codeOf(() => tokens.verify(signRaw('a', SECRET_A, json), { nodeId: 'sfu-eu-1' })),
      ).toBe(SfuErrorCode.TokenMalformed);
    }
  });

  it('refuses bad options and empty ids with GK_SFU_INVALID_OPTION', () => {
    const clock = new ManualClock(START);
    for (const options of [
      { keys: { a: 'short' }, currentKeyId: 'a' },
      { keys: { a: new Uint8Array(31) }, currentKeyId: 'a' },
      { keys: { 'a.b': SECRET_A }, currentKeyId: 'a.b' },
      { keys: { a: SECRET_A }, currentKeyId: 'b' },
      { keys: { a: SECRET_A }, currentKeyId: 'a', ttlMs: 0 },
      { keys: { a: SECRET_A }, currentKeyId: 'a', clockSkewMs: -1 },
    ]) {
      expect(codeOf(() => new VoiceTokens({ ...options, clock }))).toBe(SfuErrorCode.InvalidOption);
    }
    const tokens = new VoiceTokens({ keys: { a: SECRET_A }, currentKeyId: 'a', clock });
    expect(codeOf(() => tokens.issue({ ...REQUEST, nodeId: '' }))).toBe(SfuErrorCode.InvalidOption);
    expect(codeOf(() => tokens.issue({ ...REQUEST, userId: 'x'.repeat(2000) }))).toBe(
      SfuErrorCode.InvalidOption,
    );
  });
});
