import type { Clock, Scheduler } from '@guildkit/snowflake';
import {
  type RTCPeerConnectionConfig,
  RTCRtpCodecParameters,
  useAudioLevelIndication,
} from 'werift';
import { SfuError, SfuErrorCode } from '../errors.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from '../internal/system-time.js';
import type { MediaBackend, SdpDialect } from './media-backend.js';
import { WeriftMediaRoom } from './werift-room.js';

/** Options for {@link WeriftMediaBackend}. */
export interface WeriftMediaBackendOptions {
  /**
   * werift peer connection settings (ICE addresses, ports, candidate filters). Codecs are always
   * Opus 48 kHz stereo, the RFC 6464 audio-level header extension is always offered, and every
   * section is bundled on one transport (`bundlePolicy: 'max-bundle'`).
   * @defaultValue no ICE servers
   */
  readonly peerConfig?: RTCPeerConnectionConfig;
  /**
   * Receive slots offered to each participant: how many others it hears at once. Up to
   * `slots + 1` participants every slot carries one participant for good; past that, slots go
   * to the last speakers (a silent participant's slot is taken by a new speaker after the
   * speaking timeout, with a `consumer` notice).
   * @defaultValue 8
   */
  readonly slots?: number;
  /**
   * Participants a room holds; a join past it fails with `GK_SFU_CHANNEL_FULL`.
   * @defaultValue 99 (Discord's largest `user_limit`)
   */
  readonly maxParticipants?: number;
  /**
   * Silence after which a participant stops speaking.
   * @defaultValue 200
   */
  readonly speakingTimeoutMs?: number;
  /**
   * The quietest RFC 6464 audio level (in dBov, 0 the loudest, -127 silence) that counts as
   * speaking. Applies to senders that send audio levels (browsers do); for the others every
   * packet counts.
   * @defaultValue -60
   */
  readonly speakingThresholdDbov?: number;
  /** Time source. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /** Timer source. @defaultValue Node's `setTimeout` */
  readonly scheduler?: Scheduler;
}

/**
 * Defaults of {@link WeriftMediaBackendOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_WERIFT_MEDIA_BACKEND_OPTIONS } from '@guildkit/sfu/werift';
 *
 * DEFAULT_WERIFT_MEDIA_BACKEND_OPTIONS.slots; // 8
 * ```
 */
export const DEFAULT_WERIFT_MEDIA_BACKEND_OPTIONS = {
  slots: 8,
  maxParticipants: 99,
  speakingTimeoutMs: 200,
  speakingThresholdDbov: -60,
} as const satisfies Required<
  Pick<
    WeriftMediaBackendOptions,
    'slots' | 'maxParticipants' | 'speakingTimeoutMs' | 'speakingThresholdDbov'
  >
>;

/**
 * Opus as Discord sends it: 48 kHz, two channels.
 *
 * @returns a fresh codec description (werift assigns payload types into it).
 */
function opus(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 });
}

/**
 * The werift (pure TypeScript WebRTC) {@link MediaBackend}: real ICE, DTLS and SRTP, one peer
 * connection per participant, audio forwarded packet by packet without decoding.
 *
 * @example
 * ```ts
 * import { WeriftMediaBackend } from '@guildkit/sfu/werift';
 *
 * const backend = new WeriftMediaBackend({ peerConfig: { iceAdditionalHostAddresses: ['10.0.0.5'] } });
 * const room = await backend.createRoom(channelId);
 * const { offer } = await room.join(userId, {});
 * await room.connect(userId, { answer: answerFromClient });
 * await room.produce(userId, { kind: 'audio' });
 * ```
 */
export class WeriftMediaBackend implements MediaBackend<SdpDialect> {
  declare readonly dialectType?: SdpDialect;
  readonly #rooms = new Map<string, WeriftMediaRoom>();
  readonly #peerConfig: RTCPeerConnectionConfig;
  readonly #slots: number;
  readonly #maxParticipants: number;
  readonly #speakingTimeoutMs: number;
  readonly #speakingThresholdDbov: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;

  /**
   * @param options - see {@link WeriftMediaBackendOptions}.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` when `slots` is not a positive integer,
   * `maxParticipants` not an integer of at least 2, or
   * `speakingTimeoutMs` not a positive number, or `speakingThresholdDbov` not in -127 … 0.
   */
  constructor(options: WeriftMediaBackendOptions = {}) {
    const { slots, maxParticipants, speakingTimeoutMs, speakingThresholdDbov } = {
      ...DEFAULT_WERIFT_MEDIA_BACKEND_OPTIONS,
      ...options,
    };
    if (!Number.isInteger(slots) || slots < 1) {
      throw new SfuError(
        SfuErrorCode.InvalidOption,
        `slots must be a positive integer, got ${slots}`,
      );
    }
    if (!Number.isInteger(maxParticipants) || maxParticipants < 2) {
      throw new SfuError(
        SfuErrorCode.InvalidOption,
        `maxParticipants must be an integer of at least 2, got ${maxParticipants}`,
      );
    }
    this.#maxParticipants = maxParticipants;
    if (!(speakingTimeoutMs > 0)) {
      throw new SfuError(SfuErrorCode.InvalidOption, 'speakingTimeoutMs must be positive');
    }
    if (!(speakingThresholdDbov >= -127 && speakingThresholdDbov <= 0)) {
      throw new SfuError(
        SfuErrorCode.InvalidOption,
        `speakingThresholdDbov must be between -127 and 0, got ${speakingThresholdDbov}`,
      );
    }
    this.#speakingThresholdDbov = speakingThresholdDbov;
    this.#slots = slots;
    this.#speakingTimeoutMs = speakingTimeoutMs;
    this.#peerConfig = options.peerConfig ?? { iceServers: [] };
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
  }

  /**
   * @returns `{ dialect: 'sdp' }`: clients answer the server's offer.
   */
  async hello(): Promise<SdpDialect['hello']> {
    return { dialect: 'sdp' };
  }

  async createRoom(channelId: string): Promise<WeriftMediaRoom> {
    if (this.#rooms.has(channelId)) {
      throw new SfuError(SfuErrorCode.DuplicateRoom, `channel ${channelId} already has a room`);
    }
    const room = new WeriftMediaRoom(channelId, {
      peerConfig: {
        iceServers: [],
        ...this.#peerConfig,
        bundlePolicy: 'max-bundle',
        codecs: { audio: [opus()] },
        headerExtensions: { audio: [useAudioLevelIndication()] },
      },
      slots: this.#slots,
      maxParticipants: this.#maxParticipants,
      speakingTimeoutMs: this.#speakingTimeoutMs,
      speakingThresholdDbov: this.#speakingThresholdDbov,
      clock: this.#clock,
      scheduler: this.#scheduler,
      onClose: () => this.#rooms.delete(channelId),
    });
    this.#rooms.set(channelId, room);
    return room;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((room) => room.close()));
  }
}
