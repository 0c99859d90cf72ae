import { createHmac } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect } from 'vitest';
import { SfuError, SfuErrorCode } from '../../src/errors.js';
import { VoiceTokens } from '../../src/tokens/voice-tokens.js';

const SECRET = 's'.repeat(32);
const START = 1_700_000_000_000;

const id = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });
const request = fc.record({
  userId: id,
  guildId: id,
  channelId: id,
  nodeId: id,
  sessionId: id,
});

function makeTokens(clock = new ManualClock(START)): VoiceTokens {
  return new VoiceTokens({ keys: { k: SECRET, old: 'o'.repeat(40) }, currentKeyId: 'k', clock });
}

/** Runs `fn`; any throw must be an SfuError. Returns the code, or `undefined` if it did not throw. */
function sfuCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SfuError);
    return (error as SfuError).code;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), text: fc.constant('') }),
  fc.record({ kind: fc.constant('flipBit' as const), at: fc.nat(), text: fc.constant('') }),
);

interface Mutation {
  readonly kind: 'replace' | 'insert' | 'delete' | 'flipBit';
  readonly at: number;
  readonly text: string;
}

function mutate(token: string, m: Mutation): string {
  const at = m.at % token.length;
  switch (m.kind) {
    case 'replace':
      return token.slice(0, at) + m.text + token.slice(at + 1);
    case 'insert':
      return token.slice(0, at) + m.text + token.slice(at);
    case 'delete':
      return token.slice(0, at) + token.slice(at + 1);
    default: {
      const bytes = Buffer.from(token, 'latin1');
      bytes[at] = (bytes[at] ?? 0) ^ (1 << (m.at % 8));
      return bytes.toString('latin1');
    }
  }
}

describe('VoiceTokens properties', () => {
  test.prop([request, fc.integer({ min: 1, max: 86_400_000 })])(
    'any non-empty ids round-trip through issue and verify',
    (req, ttlMs) => {
      const clock = new ManualClock(START);
      const tokens = new VoiceTokens({ keys: { k: SECRET }, currentKeyId: 'k', clock, ttlMs });
      const claims = tokens.verify(tokens.issue(req), req);
      expect(claims).toMatchObject({ ...req, iat: START, exp: START + ttlMs });
    },
  );

  test.prop([request, fc.array(mutation, { minLength: 1, maxLength: 4 })])(
    'a mutated token is rejected as forged or malformed, never accepted',
    (req, mutations) => {
      const tokens = makeTokens();
      const token = tokens.issue(req);
      const mutated = mutations.reduce(mutate, token);
      fc.pre(mutated !== token);
      expect([SfuErrorCode.TokenForged, SfuErrorCode.TokenMalformed]).toContain(
        sfuCodeOf(() => tokens.verify(mutated, { nodeId: req.nodeId })),
      );
    },
  );

  test.prop([fc.string({ maxLength: 3000, unit: 'binary' })])(
    'arbitrary strings throw only SfuError',
    (input) => {
      expect(sfuCodeOf(() => makeTokens().verify(input, { nodeId: 'n' }))).toBeDefined();
    },
  );

  const b64 = fc.base64String().map((s) => Buffer.from(s, 'base64').toString('base64url'));
  test.prop([fc.constantFrom('gkv1', 'gkv0', ''), fc.constantFrom('k', 'old', 'x', ''), b64, b64])(
    'four-part strings of the right alphabet throw only SfuError',
    (version, keyId, claims, signature) => {
      const code = sfuCodeOf(() =>
        makeTokens().verify(`${version}.${keyId}.${claims}.${signature}`, { nodeId: 'n' }),
      );
      expect([SfuErrorCode.TokenForged, SfuErrorCode.TokenMalformed]).toContain(code);
    },
  );

  test.prop([fc.jsonValue()])(
    'correctly signed arbitrary JSON claims throw only SfuError',
    (value) => {
      const input = `gkv1.k.${Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')}`;
      const token = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
      expect(sfuCodeOf(() => makeTokens().verify(token, { nodeId: 'n' }))).toBeDefined();
    },
  );
});
