import type { Clock, Scheduler } from '@guildkit/snowflake';
import { type RTCPeerConnectionConfig, RTCRtpCodecParameters } from 'werift';
import { SfuError, SfuErrorCode } from '../errors.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from '../internal/system-time.js';
import type { MediaBackend } from './media-backend.js';
import { WeriftMediaRoom } from './werift-room.js';

/** Options for {@link WeriftMediaBackend}. */
export interface WeriftMediaBackendOptions {
  /**
   * werift peer connection settings (ICE addresses, ports, candidate filters). Codecs are always
   * Opus 48 kHz stereo.
   * @defaultValue no ICE servers
   */
  readonly peerConfig?: RTCPeerConnectionConfig;
  /**
   * Receive slots offered to each participant, so a room holds `slots + 1` participants.
   * @defaultValue 8
   */
  readonly slots?: number;
  /**
   * Silence after which a participant stops speaking.
   * @defaultValue 200
   */
  readonly speakingTimeoutMs?: number;
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
  speakingTimeoutMs: 200,
} as const satisfies Required<Pick<WeriftMediaBackendOptions, 'slots' | 'speakingTimeoutMs'>>;

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
 * const room = backend.createRoom(channelId);
 * const { offer } = await room.join(userId);
 * await room.answer(userId, answerFromClient);
 * ```
 */
export class WeriftMediaBackend implements MediaBackend {
  readonly #rooms = new Map<string, WeriftMediaRoom>();
  readonly #peerConfig: RTCPeerConnectionConfig;
  readonly #slots: number;
  readonly #speakingTimeoutMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;

  /**
   * @param options - see {@link WeriftMediaBackendOptions}.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` when `slots` is not a positive integer or
   * `speakingTimeoutMs` not a positive number.
   */
  constructor(options: WeriftMediaBackendOptions = {}) {
    const { slots, speakingTimeoutMs } = { ...DEFAULT_WERIFT_MEDIA_BACKEND_OPTIONS, ...options };
    if (!Number.isInteger(slots) || slots < 1) {
      throw new SfuError(
        SfuErrorCode.InvalidOption,
        `slots must be a positive integer, got ${slots}`,
      );
    }
    if (!(speakingTimeoutMs > 0)) {
      throw new SfuError(SfuErrorCode.InvalidOption, 'speakingTimeoutMs must be positive');
    }
    this.#slots = slots;
    this.#speakingTimeoutMs = speakingTimeoutMs;
    this.#peerConfig = options.peerConfig ?? { iceServers: [] };
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
  }

  createRoom(channelId: string): WeriftMediaRoom {
    if (this.#rooms.has(channelId)) {
      throw new SfuError(SfuErrorCode.DuplicateRoom, `channel ${channelId} already has a room`);
    }
    const room = new WeriftMediaRoom(channelId, {
      peerConfig: { iceServers: [], ...this.#peerConfig, codecs: { audio: [opus()] } },
      slots: this.#slots,
      speakingTimeoutMs: this.#speakingTimeoutMs,
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
