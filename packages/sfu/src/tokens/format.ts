import { SfuError, SfuErrorCode } from '../errors.js';

/** The version tag every voice token starts with. */
const TOKEN_VERSION = 'gkv1';

/** Tokens longer than this many characters are rejected before any parsing. */
export const MAX_TOKEN_LENGTH = 2048;

/** Length of the nonce in bytes. */
export const NONCE_BYTES = 16;

/** Length of an HMAC-SHA256 digest in bytes. */
const SIGNATURE_BYTES = 32;

/** Key ids are short URL-safe names so they can sit in the token unencoded. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * The claims a voice token carries. Ids are non-empty strings (snowflakes in practice, but not
 * checked as such); times are integer ms since the Unix epoch.
 */
export interface VoiceTokenClaims {
  /** The user the token admits. */
  readonly userId: string;
  /** The guild of the voice channel. */
  readonly guildId: string;
  /** The voice channel. */
  readonly channelId: string;
  /** The SFU node the token is valid on. */
  readonly nodeId: string;
  /** The gateway session that asked for the token. */
  readonly sessionId: string;
  /** Issue time, ms since the Unix epoch. */
  readonly iat: number;
  /** Expiry, ms since the Unix epoch: the token is expired once `now >= exp`. */
  readonly exp: number;
  /** 16 random bytes, base64url, so that two tokens with equal claims differ. */
  readonly nonce: string;
}

/** The parts of a token that passed the shape checks; the signature is not checked yet. */
export interface TokenParts {
  /** Id of the key that signed the token. */
  readonly keyId: string;
  /** `gkv1.<keyId>.<claims>`: the exact bytes the signature covers. */
  readonly signedInput: string;
  /** The base64url claims part, not decoded. */
  readonly encodedClaims: string;
  /** The decoded 32-byte signature. */
  readonly signature: Buffer;
}

const ID_CLAIMS = ['userId', 'guildId', 'channelId', 'nodeId', 'sessionId'] as const;
const CLAIM_KEYS = new Set<string>([...ID_CLAIMS, 'iat', 'exp', 'nonce']);

function malformed(message: string, cause?: unknown): SfuError {
  return new SfuError(
    SfuErrorCode.TokenMalformed,
    message,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Decodes base64url strictly: only the URL-safe alphabet, no padding, and the canonical
 * encoding of the bytes, so one byte string has exactly one token spelling.
 *
 * @param text - the base64url text.
 * @returns the bytes, or `undefined` if `text` is not canonical base64url.
 */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL_PATTERN.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * Builds the signed input `gkv1.<keyId>.<base64url(JSON claims)>`.
 *
 * @param keyId - id of the signing key.
 * @param claims - the claims.
 * @returns the string the signature covers.
 */
export function encodeSignedInput(keyId: string, claims: VoiceTokenClaims): string {
  const json = JSON.stringify({
    userId: claims.userId,
    guildId: claims.guildId,
    channelId: claims.channelId,
    nodeId: claims.nodeId,
    sessionId: claims.sessionId,
    iat: claims.iat,
    exp: claims.exp,
    nonce: claims.nonce,
  });
  return `${TOKEN_VERSION}.${keyId}.${Buffer.from(json, 'utf8').toString('base64url')}`;
}

/**
 * Splits a token into its parts and checks their shape, not the signature.
 *
 * @param token - the token, any value.
 * @returns the parts.
 * @throws {@link SfuError} `GK_SFU_TOKEN_MALFORMED` if the token is not of the format.
 */
export function parseToken(token: unknown): TokenParts {
  if (typeof token !== 'string') throw malformed('a voice token must be a string');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw malformed(`a voice token is at most ${MAX_TOKEN_LENGTH} characters`);
  }
  const parts = token.split('.');
  if (parts.length !== 4) throw malformed('a voice token has four dot-separated parts');
  const [version, keyId, encodedClaims, encodedSignature] = parts as [
    string,
    string,
    string,
    string,
  ];
  if (version !== TOKEN_VERSION) throw malformed(`unknown voice token version "${version}"`);
  if (!KEY_ID_PATTERN.test(keyId)) throw malformed('bad key id in voice token');
  if (decodeBase64Url(encodedClaims) === undefined) {
    throw malformed('voice token claims are not base64url');
  }
  const signature = decodeBase64Url(encodedSignature);
  if (signature?.length !== SIGNATURE_BYTES) {
    throw malformed('voice token signature is not 32 bytes of base64url');
  }
  return {
    keyId,
    signedInput: `${version}.${keyId}.${encodedClaims}`,
    encodedClaims,
    signature,
  };
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isSafeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

/**
 * Decodes and type-checks the claims part of a token.
 *
 * @param encodedClaims - the base64url claims part.
 * @returns the claims.
 * @throws {@link SfuError} `GK_SFU_TOKEN_MALFORMED` on bad JSON or claims of the wrong type.
 */
export function decodeClaims(encodedClaims: string): VoiceTokenClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8'));
  } catch (error) {
    throw malformed('voice token claims are not JSON', error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('voice token claims are not an object');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!CLAIM_KEYS.has(key)) throw malformed(`unknown voice token claim "${key}"`);
  }
  const { userId, guildId, channelId, nodeId, sessionId, iat, exp, nonce } = record;
  if (
    !isNonEmptyString(userId) ||
    !isNonEmptyString(guildId) ||
    !isNonEmptyString(channelId) ||
    !isNonEmptyString(nodeId) ||
    !isNonEmptyString(sessionId)
  ) {
    throw malformed('voice token ids must be non-empty strings');
  }
  if (!isSafeInteger(iat) || !isSafeInteger(exp) || exp < iat) {
    throw malformed('voice token iat/exp must be integers with exp >= iat');
  }
  if (typeof nonce !== 'string' || decodeBase64Url(nonce)?.length !== NONCE_BYTES) {
    throw malformed('voice token nonce must be 16 bytes of base64url');
  }
  return {
    userId,
    guildId,
    channelId,
    nodeId,
    sessionId,
    iat,
    exp,
    nonce,
  };
}

/**
 * Checks that every id claim is a non-empty string.
 *
 * @param claims - the id claims to check.
 * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` if one is not.
 */
export function assertIdClaims(claims: Pick<VoiceTokenClaims, (typeof ID_CLAIMS)[number]>): void {
  for (const key of ID_CLAIMS) {
    if (!isNonEmptyString(claims[key])) {
      throw new SfuError(SfuErrorCode.InvalidOption, `${key} must be a non-empty string`);
    }
  }
}
