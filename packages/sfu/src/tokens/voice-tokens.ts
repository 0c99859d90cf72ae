import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@guildkit/snowflake';
import { SfuError, SfuErrorCode } from '../errors.js';
import { SYSTEM_CLOCK } from '../internal/system-time.js';
import {
  assertIdClaims,
  decodeClaims,
  encodeSignedInput,
  KEY_ID_PATTERN,
  MAX_TOKEN_LENGTH,
  NONCE_BYTES,
  parseToken,
  type VoiceTokenClaims,
} from './format.js';

export type { VoiceTokenClaims } from './format.js';

/** Minimum secret length in bytes: the HMAC-SHA256 output size. */
const MIN_SECRET_BYTES = 32;

/** Options for {@link VoiceTokens}. */
export interface VoiceTokensOptions {
  /**
   * Signing keys by key id. Ids match `/^[A-Za-z0-9_-]{1,64}$/`; secrets are at least 32 bytes
   * (a string counts its UTF-8 bytes). Every held key verifies; only `currentKeyId` signs.
   */
  readonly keys: Readonly<Record<string, Uint8Array | string>>;
  /** The key that signs new tokens; must be in `keys`. */
  readonly currentKeyId: string;
  /**
   * How long a token stays valid after issue.
   * @defaultValue 60_000
   */
  readonly ttlMs?: number;
  /**
   * Tolerance for a verifier whose clock runs behind the issuer's: a token is expired once
   * `now >= exp + clockSkewMs`.
   * @defaultValue 0
   */
  readonly clockSkewMs?: number;
  /** Time source. @defaultValue `Date.now` */
  readonly clock?: Clock;
}

/** What {@link VoiceTokens.issue} signs: the ids of one voice connection. */
export type VoiceTokenRequest = Pick<
  VoiceTokenClaims,
  'userId' | 'guildId' | 'channelId' | 'nodeId' | 'sessionId'
>;

/**
 * What {@link VoiceTokens.verify} checks besides signature and expiry. `nodeId` is required: a
 * node accepts only tokens issued for itself.
 */
export interface VoiceTokenScope {
  /** The verifying node's id. */
  readonly nodeId: string;
  /** If given, the token must be for this guild. */
  readonly guildId?: string;
  /** If given, the token must be for this channel. */
  readonly channelId?: string;
  /** If given, the token must be for this user. */
  readonly userId?: string;
}

/**
 * Defaults of {@link VoiceTokensOptions}: tokens live one minute, no clock skew allowed.
 *
 * @example
 * ```ts
 * import { DEFAULT_VOICE_TOKENS_OPTIONS } from '@guildkit/sfu';
 *
 * DEFAULT_VOICE_TOKENS_OPTIONS.ttlMs; // 60000
 * ```
 */
export const DEFAULT_VOICE_TOKENS_OPTIONS = {
  ttlMs: 60_000,
  clockSkewMs: 0,
} as const satisfies Required<Pick<VoiceTokensOptions, 'ttlMs' | 'clockSkewMs'>>;

function invalidOption(message: string): SfuError {
  return new SfuError(SfuErrorCode.InvalidOption, message);
}

function toSecret(keyId: string, secret: Uint8Array | string): Buffer {
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw invalidOption(`key id "${keyId}" must match ${String(KEY_ID_PATTERN)}`);
  }
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw invalidOption(`secret of key "${keyId}" must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

function assertDuration(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalidOption(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/**
 * Issues and verifies short-lived voice tokens: the credential a client shows an SFU node to
 * join a voice channel, like the `token` of Discord's VOICE_SERVER_UPDATE.
 *
 * Format (ASCII, four dot-separated parts, at most 2048 characters):
 * ```
 * gkv1 . <keyId> . base64url(JSON claims) . base64url(HMAC-SHA256(secret[keyId], "gkv1.<keyId>.<claims>"))
 * ```
 * The claims are `{ userId, guildId, channelId, nodeId, sessionId, iat, exp, nonce }` (times in
 * ms since the Unix epoch, `nonce` 16 random bytes). base64url is unpadded and must be canonical,
 * so a token has exactly one spelling. Key rotation: construct a verifier holding both the old
 * and the new key with the new one current; once old tokens have expired, drop the old key.
 *
 * @example
 * ```ts
 * import { VoiceTokens } from '@guildkit/sfu';
 *
 * const tokens = new VoiceTokens({ keys: { k1: process.env.VOICE_SECRET! }, currentKeyId: 'k1' });
 * const token = tokens.issue({ userId, guildId, channelId, nodeId: 'sfu-eu-1', sessionId });
 * // on node sfu-eu-1:
 * const claims = tokens.verify(token, { nodeId: 'sfu-eu-1', channelId });
 * ```
 */
export class VoiceTokens {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #currentKeyId: string;
  readonly #ttlMs: number;
  readonly #clockSkewMs: number;
  readonly #clock: Clock;

  /**
   * @param options - keys, current key, TTL, skew and clock.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` on a bad key id, a secret under 32 bytes, a
   * `currentKeyId` not in `keys`, a `ttlMs` under 1 or a negative `clockSkewMs`.
   */
  constructor(options: VoiceTokensOptions) {
    const {
      keys,
      currentKeyId,
      ttlMs = DEFAULT_VOICE_TOKENS_OPTIONS.ttlMs,
      clockSkewMs = DEFAULT_VOICE_TOKENS_OPTIONS.clockSkewMs,
      clock = SYSTEM_CLOCK,
    } = options;
    const held = new Map<string, Buffer>();
    for (const [keyId, secret] of Object.entries(keys)) held.set(keyId, toSecret(keyId, secret));
    if (!held.has(currentKeyId)) {
      throw invalidOption(`currentKeyId "${currentKeyId}" is not one of the keys`);
    }
    assertDuration('ttlMs', ttlMs, 1);
    assertDuration('clockSkewMs', clockSkewMs, 0);
    this.#keys = held;
    this.#currentKeyId = currentKeyId;
    this.#ttlMs = ttlMs;
    this.#clockSkewMs = clockSkewMs;
    this.#clock = clock;
  }

  /**
   * Signs a token for one voice connection with the current key, valid for `ttlMs` from now.
   *
   * @param request - the user, guild, channel, node and session ids.
   * @returns the token.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` if an id is not a non-empty string or the
   * token would exceed 2048 characters.
   * @example
   * ```ts
   * const token = tokens.issue({ userId, guildId, channelId, nodeId: 'sfu-eu-1', sessionId });
   * ```
   */
  issue(request: VoiceTokenRequest): string {
    assertIdClaims(request);
    const iat = Math.floor(this.#clock.now());
    const claims: VoiceTokenClaims = {
      userId: request.userId,
      guildId: request.guildId,
      channelId: request.channelId,
      nodeId: request.nodeId,
      sessionId: request.sessionId,
      iat,
      exp: iat + this.#ttlMs,
      nonce: randomBytes(NONCE_BYTES).toString('base64url'),
    };
    const signedInput = encodeSignedInput(this.#currentKeyId, claims);
    const token = `${signedInput}.${this.#sign(this.#currentKeyId, signedInput).toString('base64url')}`;
    if (token.length > MAX_TOKEN_LENGTH) {
      throw invalidOption(`ids too long: the token would exceed ${MAX_TOKEN_LENGTH} characters`);
    }
    return token;
  }

  /**
   * Checks a token's format, signature (constant-time), expiry and scope, in that order.
   *
   * @param token - the token as the client sent it; any value is safe to pass.
   * @param expected - the node verifying, and optionally the guild, channel or user it expects.
   * @returns the token's claims.
   * @throws {@link SfuError} `GK_SFU_TOKEN_MALFORMED` if not of the format,
   * `GK_SFU_TOKEN_FORGED` on a bad signature or a key id this verifier does not hold,
   * `GK_SFU_TOKEN_EXPIRED` once `now >= exp + clockSkewMs`,
   * `GK_SFU_TOKEN_WRONG_SCOPE` if a claim differs from `expected`. Nothing else is thrown.
   * @example
   * ```ts
   * const { userId, channelId } = tokens.verify(token, { nodeId: 'sfu-eu-1' });
   * ```
   */
  verify(token: string, expected: VoiceTokenScope): VoiceTokenClaims {
    const parts = parseToken(token);
    if (!this.#keys.has(parts.keyId)) {
      throw new SfuError(
        SfuErrorCode.TokenForged,
        `voice token signed with unknown key "${parts.keyId}"`,
      );
    }
    const signature = this.#sign(parts.keyId, parts.signedInput);
    if (!timingSafeEqual(signature, parts.signature)) {
      throw new SfuError(SfuErrorCode.TokenForged, 'voice token signature does not verify');
    }
    const claims = decodeClaims(parts.encodedClaims);
    if (this.#clock.now() >= claims.exp + this.#clockSkewMs) {
      throw new SfuError(SfuErrorCode.TokenExpired, `voice token expired at ${claims.exp}`);
    }
    for (const key of ['nodeId', 'guildId', 'channelId', 'userId'] as const) {
      const want = expected[key];
      if (want !== undefined && claims[key] !== want) {
        throw new SfuError(
          SfuErrorCode.TokenWrongScope,
          `voice token is for ${key} "${claims[key]}", expected "${want}"`,
        );
      }
    }
    return claims;
  }

  #sign(keyId: string, signedInput: string): Buffer {
    return createHmac('sha256', this.#keys.get(keyId)!).update(signedInput, 'utf8').digest();
  }
}
