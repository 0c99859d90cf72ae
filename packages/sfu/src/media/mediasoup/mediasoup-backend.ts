import { EventEmitter } from 'eventemitter3';
import type { types as ms } from 'mediasoup';
import { SfuError, SfuErrorCode } from '../../errors.js';
import type { MediaBackend } from '../media-backend.js';
import type { OrtcDialect } from './mediasoup-dialect.js';
import { importMediasoup, loadMediasoup, type MediasoupModule } from './mediasoup-loader.js';
import {
  type MediasoupMediaBackendOptions,
  type MediasoupSettings,
  resolveMediasoupSettings,
} from './mediasoup-options.js';
import { MediasoupMediaRoom, type MediasoupRoomSettings } from './mediasoup-room.js';
import { createRouter } from './room-router.js';
import { WorkerPool } from './worker-pool.js';

/** Events of a {@link MediasoupMediaBackend}. */
export interface MediasoupMediaBackendEvents {
  /**
   * A room closed because its media engine failed: a mediasoup-worker under one of its routers
   * died (`GK_SFU_MEDIA_UNAVAILABLE`, mediasoup's error as the `cause`). Its participants must
   * join a new room (`createRoom` again, on this node or another); the pool starts a
   * replacement worker on next use.
   */
  roomFailed: [channelId: string, error: SfuError];
}

/**
 * The mediasoup {@link MediaBackend}: C++ mediasoup-worker processes forward RTP (audio and
 * video, simulcast) to mediasoup-client (ORTC) clients. mediasoup is an optional peer dependency,
 * imported on first use (`start`, `hello` or `createRoom`); its worker binary must exist (see
 * `GK_SFU_MEDIA_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * import { MediasoupMediaBackend } from '@guildkit/sfu/mediasoup';
 *
 * const backend = new MediasoupMediaBackend({
 *   listenInfos: [{ protocol: 'udp', ip: '0.0.0.0', announcedAddress: 'sfu-1.example.com' }],
 * });
 * await backend.start(); // fail fast if mediasoup or its worker is missing
 * backend.on('roomFailed', (channelId) => moveChannelElsewhere(channelId));
 * const hello = await backend.hello(); // { dialect: 'ortc', routerRtpCapabilities }
 * const room = await backend.createRoom(channelId);
 * ```
 */
export class MediasoupMediaBackend
  extends EventEmitter<MediasoupMediaBackendEvents>
  implements MediaBackend<OrtcDialect>
{
  declare readonly dialectType?: OrtcDialect;
  readonly #settings: MediasoupSettings;
  readonly #pool: WorkerPool;
  readonly #rooms = new Map<string, MediasoupMediaRoom>();
  readonly #opening = new Set<string>();
  #capabilities: Promise<ms.RtpCapabilities> | undefined;
  #mediasoup: Promise<MediasoupModule> | undefined;
  #closed = false;

  /**
   * @param options - see {@link MediasoupMediaBackendOptions}; checked here, without loading
   * mediasoup.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` naming the first option out of range.
   */
  constructor(options: MediasoupMediaBackendOptions = {}) {
    super();
    this.#settings = resolveMediasoupSettings(options);
    const load = options.loadMediasoup ?? importMediasoup;
    this.#pool = new WorkerPool(this.#settings.workers, () => {
      this.#mediasoup ??= loadMediasoup(load).catch((error: unknown) => {
        this.#mediasoup = undefined;
        throw error;
      });
      return this.#mediasoup;
    });
  }

  /**
   * Loads mediasoup and starts every worker now rather than on first use, so that a node fails
   * at boot instead of at its first voice channel.
   *
   * @throws {@link SfuError} `GK_SFU_MEDIA_UNAVAILABLE` when mediasoup is not installed or a
   * worker does not start (the message says how to provide the worker binary),
   * `GK_SFU_ROOM_CLOSED` after {@link MediasoupMediaBackend.close}.
   */
  async start(): Promise<void> {
    this.#assertOpen();
    await this.#pool.fill();
  }

  /**
   * What a client loads its mediasoup-client `Device` with; read from a router once, then kept.
   *
   * @returns `{ dialect: 'ortc', routerRtpCapabilities }`, the same for every room.
   * @throws {@link SfuError} `GK_SFU_MEDIA_UNAVAILABLE` when mediasoup cannot run,
   * `GK_SFU_ROOM_CLOSED` after {@link MediasoupMediaBackend.close}.
   */
  async hello(): Promise<OrtcDialect['hello']> {
    this.#assertOpen();
    this.#capabilities ??= this.#readCapabilities().catch((error: unknown) => {
      this.#capabilities = undefined;
      throw error;
    });
    return { dialect: 'ortc', routerRtpCapabilities: await this.#capabilities };
  }

  /**
   * Creates the media room of a voice channel.
   *
   * @param channelId - the voice channel.
   * @returns the room, with its first router on the least loaded worker.
   * @throws {@link SfuError} `GK_SFU_DUPLICATE_ROOM` when the channel already has an open room,
   * `GK_SFU_MEDIA_UNAVAILABLE` when mediasoup cannot run, `GK_SFU_ROOM_CLOSED` after
   * {@link MediasoupMediaBackend.close}.
   */
  async createRoom(channelId: string): Promise<MediasoupMediaRoom> {
    this.#assertOpen();
    if (this.#rooms.has(channelId) || this.#opening.has(channelId)) {
      throw new SfuError(SfuErrorCode.DuplicateRoom, `channel ${channelId} already has a room`);
    }
    this.#opening.add(channelId);
    let room: MediasoupMediaRoom;
    try {
      room = await MediasoupMediaRoom.open(
        channelId,
        await this.#worker(),
        this.#roomSettings(channelId),
      );
    } catch (error) {
      // close() while the router was being created fails it; say closed, not unavailable.
      this.#assertOpen();
      throw error;
    } finally {
      this.#opening.delete(channelId);
    }
    if (this.#closed) {
      await room.close();
      this.#assertOpen();
    }
    this.#rooms.set(channelId, room);
    return room;
  }

  /** Closes every room, then every worker; later calls reject with `GK_SFU_ROOM_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#rooms.values()].map((room) => room.close()));
    this.#pool.close();
  }

  #roomSettings(channelId: string): MediasoupRoomSettings {
    const { listenInfos, maxPeersPerRouter, mediaCodecs } = this.#settings;
    return {
      pool: this.#pool,
      listenInfos,
      maxPeersPerRouter,
      router: {
        mediaCodecs,
        speakingThresholdDbov: this.#settings.speakingThresholdDbov,
        speakingIntervalMs: this.#settings.speakingIntervalMs,
        maxSpeakers: maxPeersPerRouter,
      },
      onClose: (error) => {
        this.#rooms.delete(channelId);
        if (error) this.#emitSafely(channelId, error);
      },
    };
  }

  async #readCapabilities(): Promise<ms.RtpCapabilities> {
    const router = await createRouter(await this.#worker(), this.#settings.mediaCodecs);
    const { rtpCapabilities } = router;
    router.close();
    return rtpCapabilities;
  }

  /** The least loaded live worker, after starting the missing ones where possible. */
  async #worker(): Promise<ms.Worker> {
    this.#assertOpen();
    try {
      await this.#pool.fill();
    } catch (error) {
      // Some workers running is enough to go on; none means mediasoup cannot run here.
      if (this.#pool.size === 0) throw error;
    }
    this.#assertOpen();
    const worker = this.#pool.pick(new Set());
    if (!worker) {
      throw new SfuError(SfuErrorCode.MediaUnavailable, 'no mediasoup-worker is running');
    }
    return worker;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new SfuError(SfuErrorCode.RoomClosed, 'the mediasoup backend is closed');
    }
  }

  #emitSafely(channelId: string, error: SfuError): void {
    try {
      this.emit('roomFailed', channelId, error);
    } catch {
      // A listener's throw must not keep the other failed rooms from being reported.
    }
  }
}
