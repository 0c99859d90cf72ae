import { availableParallelism } from 'node:os';
import type { types as ms } from 'mediasoup';
import { SfuError, SfuErrorCode } from '../../errors.js';
import type { MediasoupModule } from './mediasoup-loader.js';

/** Options for `MediasoupMediaBackend`. */
export interface MediasoupMediaBackendOptions {
  /**
   * mediasoup-worker processes to run (each is single-threaded: one per core).
   * @defaultValue `os.availableParallelism()`
   */
  readonly workers?: number;
  /**
   * Lowest UDP/TCP port of the WebRTC transports, for `listenInfos` without `port` or
   * `portRange`.
   * @defaultValue 10000
   */
  readonly rtcMinPort?: number;
  /**
   * Highest UDP/TCP port of the WebRTC transports, for `listenInfos` without `port` or
   * `portRange`.
   * @defaultValue 59999
   */
  readonly rtcMaxPort?: number;
  /**
   * Where the WebRTC transports listen, in order of preference. Behind NAT or in a container,
   * listen on `0.0.0.0` (or the private address) and set `announcedAddress` to the public
   * address or host name clients reach: it is what the ICE candidates carry.
   * @defaultValue UDP then TCP on 127.0.0.1 (reachable from this machine only)
   */
  readonly listenInfos?: readonly ms.TransportListenInfo[];
  /**
   * The codecs of every router; at least one must be audio.
   * @defaultValue Opus 48 kHz stereo; VP8; H264 packetization-mode 1, profile-level-id 42e01f
   */
  readonly mediaCodecs?: readonly ms.RouterRtpCodecCapability[];
  /**
   * Participants per router. A room that grows past it adds a router on another worker and
   * pipes producers between its routers (`router.pipeToRouter`), so a room holds at most
   * `workers × maxPeersPerRouter` participants.
   * @defaultValue 50
   */
  readonly maxPeersPerRouter?: number;
  /**
   * The quietest average RFC 6464 audio level over one interval (in dBov, 0 the loudest, -127
   * silence) at which a microphone counts as speaking (the AudioLevelObserver `threshold`).
   * @defaultValue -70
   */
  readonly speakingThresholdDbov?: number;
  /**
   * How often the audio levels are averaged (the AudioLevelObserver `interval`): a participant
   * stops speaking after one interval below the threshold. mediasoup-worker takes 250 … 5000 and
   * needs 10 packets per interval (20 ms Opus frames: at least 200 ms).
   * @defaultValue 250
   */
  readonly speakingIntervalMs?: number;
  /**
   * How mediasoup is imported (for bundlers, or to pin a copy).
   * @defaultValue `() => import('mediasoup')`, on first use
   */
  readonly loadMediasoup?: () => Promise<MediasoupModule>;
}

/**
 * Defaults of {@link MediasoupMediaBackendOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS } from '@guildkit/sfu/mediasoup';
 *
 * DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS.maxPeersPerRouter; // 50
 * ```
 */
export const DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS = {
  workers: availableParallelism(),
  rtcMinPort: 10_000,
  rtcMaxPort: 59_999,
  listenInfos: [
    { protocol: 'udp', ip: '127.0.0.1' },
    { protocol: 'tcp', ip: '127.0.0.1' },
  ],
  mediaCodecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000 },
    {
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90_000,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
    },
  ],
  maxPeersPerRouter: 50,
  speakingThresholdDbov: -70,
  speakingIntervalMs: 250,
} as const satisfies Required<Omit<MediasoupMediaBackendOptions, 'loadMediasoup'>>;

/** {@link MediasoupMediaBackendOptions} checked, with defaults applied. */
export interface MediasoupSettings {
  readonly workers: number;
  readonly listenInfos: readonly ms.TransportListenInfo[];
  readonly mediaCodecs: readonly ms.RouterRtpCodecCapability[];
  readonly maxPeersPerRouter: number;
  readonly speakingThresholdDbov: number;
  readonly speakingIntervalMs: number;
}

function invalid(message: string): SfuError {
  return new SfuError(SfuErrorCode.InvalidOption, message);
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function checkListenInfos(listenInfos: readonly ms.TransportListenInfo[]): void {
  if (!Array.isArray(listenInfos) || listenInfos.length === 0) {
    throw invalid('listenInfos must list at least one address');
  }
  for (const info of listenInfos) {
    if ((info.protocol !== 'udp' && info.protocol !== 'tcp') || !info.ip) {
      throw invalid("each of listenInfos needs a protocol ('udp' or 'tcp') and an ip");
    }
  }
}

function checkMediaCodecs(mediaCodecs: readonly ms.RouterRtpCodecCapability[]): void {
  if (!Array.isArray(mediaCodecs) || !mediaCodecs.some((codec) => codec.kind === 'audio')) {
    throw invalid('mediaCodecs must include an audio codec');
  }
  for (const codec of mediaCodecs) {
    if (!codec.mimeType.toLowerCase().startsWith(`${codec.kind}/`)) {
      throw invalid(`mediaCodecs: ${codec.mimeType} is not of kind ${codec.kind}`);
    }
    if (!isIntegerIn(codec.clockRate, 1, 0xffff_ffff)) {
      throw invalid(`mediaCodecs: ${codec.mimeType} needs a positive integer clockRate`);
    }
  }
}

/**
 * Checks the options of a `MediasoupMediaBackend` and applies the defaults. Touches neither
 * mediasoup nor the network.
 *
 * @param options - the options as given.
 * @returns the settings, with the port range applied to the listen infos that have none.
 * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` naming the first option out of range.
 */
export function resolveMediasoupSettings(options: MediasoupMediaBackendOptions): MediasoupSettings {
  const resolved = { ...DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS, ...options };
  const { workers, rtcMinPort, rtcMaxPort, maxPeersPerRouter } = resolved;
  if (!isIntegerIn(workers, 1, 1024)) {
    throw invalid(`workers must be an integer from 1 to 1024, got ${workers}`);
  }
  if (!isIntegerIn(rtcMinPort, 1, 65_535) || !isIntegerIn(rtcMaxPort, rtcMinPort, 65_535)) {
    throw invalid(
      `rtcMinPort and rtcMaxPort must be ports with rtcMinPort <= rtcMaxPort, got ${rtcMinPort} and ${rtcMaxPort}`,
    );
  }
  const listenInfos: readonly ms.TransportListenInfo[] = resolved.listenInfos;
  checkListenInfos(listenInfos);
  checkMediaCodecs(resolved.mediaCodecs);
  if (!isIntegerIn(maxPeersPerRouter, 1, 10_000)) {
    throw invalid(`maxPeersPerRouter must be an integer from 1 to 10000, got ${maxPeersPerRouter}`);
  }
  if (!isIntegerIn(resolved.speakingThresholdDbov, -127, 0)) {
    throw invalid(
      `speakingThresholdDbov must be an integer from -127 to 0, got ${resolved.speakingThresholdDbov}`,
    );
  }
  if (!isIntegerIn(resolved.speakingIntervalMs, 250, 5000)) {
    throw invalid(
      `speakingIntervalMs must be an integer from 250 to 5000, got ${resolved.speakingIntervalMs}`,
    );
  }
  const portRange = { min: rtcMinPort, max: rtcMaxPort };
  return {
    workers,
    listenInfos: listenInfos.map((info) =>
      info.port !== undefined || info.portRange !== undefined ? info : { ...info, portRange },
    ),
    mediaCodecs: resolved.mediaCodecs,
    maxPeersPerRouter,
    speakingThresholdDbov: resolved.speakingThresholdDbov,
    speakingIntervalMs: resolved.speakingIntervalMs,
  };
}
