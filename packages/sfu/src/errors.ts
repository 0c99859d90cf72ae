/**
 * Every code that `@guildkit/sfu` throws or rejects with. Codes are stable: renaming one is a
 * breaking change; messages may change.
 *
 * @example
 * ```ts
 * import { SfuError, SfuErrorCode } from '@guildkit/sfu';
 *
 * try {
 *   tokens.verify(token, { nodeId: 'sfu-eu-1' });
 * } catch (error) {
 *   if (error instanceof SfuError && error.code === SfuErrorCode.TokenExpired) askForANewOne();
 * }
 * ```
 */
export const SfuErrorCode = {
  /** An option is out of range (a capacity, an interval, a secret, a TTL). */
  InvalidOption: 'GK_SFU_INVALID_OPTION',
  /** A node is registered under an id the registry already holds. */
  DuplicateNode: 'GK_SFU_DUPLICATE_NODE',
  /** A node id names no registered node. */
  UnknownNode: 'GK_SFU_UNKNOWN_NODE',
  /** No live, undrained node has room for another voice channel. */
  NoCapacity: 'GK_SFU_NO_CAPACITY',
  /** A voice token is not of the token format (parts, encoding, claims). */
  TokenMalformed: 'GK_SFU_TOKEN_MALFORMED',
  /** A voice token's signature does not verify, or names a key the verifier does not hold. */
  TokenForged: 'GK_SFU_TOKEN_FORGED',
  /** A voice token is past its expiry. */
  TokenExpired: 'GK_SFU_TOKEN_EXPIRED',
  /** A voice token was issued for another node (or another scope than the one checked). */
  TokenWrongScope: 'GK_SFU_TOKEN_WRONG_SCOPE',
  /** A voice state change names a channel the guild does not have, or not a voice channel. */
  UnknownChannel: 'GK_SFU_UNKNOWN_CHANNEL',
  /** Joining a voice channel without CONNECT. */
  MissingConnect: 'GK_SFU_MISSING_CONNECT',
  /** Joining a voice channel at its `user_limit` without MOVE_MEMBERS. */
  ChannelFull: 'GK_SFU_CHANNEL_FULL',
  /** A moderation change (server mute/deafen, move, disconnect) without its permission. */
  MissingPermission: 'GK_SFU_MISSING_PERMISSION',
  /** A change for a user who is not in a voice channel of the guild, or a peer not in a room. */
  NotConnected: 'GK_SFU_NOT_CONNECTED',
  /** A media room call after the room was closed. */
  RoomClosed: 'GK_SFU_ROOM_CLOSED',
  /** A second media room for a channel that has one. */
  DuplicateRoom: 'GK_SFU_DUPLICATE_ROOM',
  /** A peer joins a media room it is already in. */
  DuplicatePeer: 'GK_SFU_DUPLICATE_PEER',
  /** A media offer could not be created, or a peer's answer does not apply. */
  NegotiationFailed: 'GK_SFU_NEGOTIATION_FAILED',
  /** A signaling message (join, connect, produce) is not of its dialect's shape. */
  InvalidSignal: 'GK_SFU_INVALID_SIGNAL',
  /** The media engine cannot run: mediasoup is not installed, or its worker binary is missing. */
  MediaUnavailable: 'GK_SFU_MEDIA_UNAVAILABLE',
} as const;

/** One of the {@link SfuErrorCode} values. */
export type SfuErrorCode = (typeof SfuErrorCode)[keyof typeof SfuErrorCode];

/**
 * The error `@guildkit/sfu` throws and rejects with; branch on {@link SfuError.code}.
 *
 * @example
 * ```ts
 * import { SfuError } from '@guildkit/sfu';
 *
 * try {
 *   voice.join({ guildId, channelId, userId, sessionId });
 * } catch (error) {
 *   if (error instanceof SfuError) console.error(error.code); // e.g. GK_SFU_CHANNEL_FULL
 * }
 * ```
 */
export class SfuError extends Error {
  override readonly name = 'SfuError';
  /** The stable code. */
  readonly code: SfuErrorCode;

  /**
   * @param code - the stable code.
   * @param message - what went wrong, for people.
   * @param options - the underlying error, if any.
   */
  constructor(code: SfuErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
