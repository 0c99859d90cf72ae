import type { types as ms } from 'mediasoup';
import { SfuError, SfuErrorCode } from '../../errors.js';

/** What a {@link RoomRouter} is opened with. */
export interface RoomRouterSettings {
  readonly mediaCodecs: readonly ms.RouterRtpCodecCapability[];
  readonly speakingThresholdDbov: number;
  readonly speakingIntervalMs: number;
  /** Microphones the audio-level observer may report at once. */
  readonly maxSpeakers: number;
}

/**
 * Creates a router with the backend's codecs, copied: mediasoup fills defaults into the objects
 * it is given.
 *
 * @param worker - the worker to create it on.
 * @param mediaCodecs - the codecs.
 * @returns the router.
 * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` when mediasoup refuses the codecs,
 * `GK_SFU_MEDIA_UNAVAILABLE` when the worker cannot create a router.
 */
export async function createRouter(
  worker: ms.Worker,
  mediaCodecs: readonly ms.RouterRtpCodecCapability[],
): Promise<ms.Router> {
  try {
    return await worker.createRouter({ mediaCodecs: mediaCodecs.map((c) => structuredClone(c)) });
  } catch (error) {
    if (
      error instanceof TypeError ||
      (error instanceof Error && error.name === 'UnsupportedError')
    ) {
      throw new SfuError(SfuErrorCode.InvalidOption, `mediaCodecs: ${error.message}`, {
        cause: error,
      });
    }
    throw new SfuError(
      SfuErrorCode.MediaUnavailable,
      `mediasoup-worker ${worker.pid} could not create a router`,
      { cause: error },
    );
  }
}

/**
 * One router of a room, on one worker: the participants placed on it send and receive through
 * it, producers of the room's other routers are piped into it, and an audio-level observer
 * reports its microphones.
 *
 * @example
 * ```ts
 * const home = await RoomRouter.open(worker, settings, (producerIds) => updateSpeaking(producerIds));
 * await home.pipeFrom(otherRouter, producerId); // now consumable on `home` under the same id
 * await home.observe(microphoneId);
 * ```
 */
export class RoomRouter {
  /** The worker it runs on. */
  readonly worker: ms.Worker;
  /** The mediasoup router. */
  readonly router: ms.Router;
  readonly #observer: ms.AudioLevelObserver;
  /** Producers of other routers piped into this one, by id. */
  readonly #piped = new Map<string, Promise<void>>();

  private constructor(worker: ms.Worker, router: ms.Router, observer: ms.AudioLevelObserver) {
    this.worker = worker;
    this.router = router;
    this.#observer = observer;
  }

  /**
   * Opens a router and its audio-level observer on `worker`.
   *
   * @param worker - the worker.
   * @param settings - codecs and speaking detection.
   * @param onLevels - called with the ids of the producers above the threshold at each report
   * (empty on silence).
   * @returns the router.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` when mediasoup refuses the codecs,
   * `GK_SFU_MEDIA_UNAVAILABLE` when the worker cannot create the router or its observer.
   */
  static async open(
    worker: ms.Worker,
    settings: RoomRouterSettings,
    onLevels: (producerIds: readonly string[]) => void,
  ): Promise<RoomRouter> {
    const router = await createRouter(worker, settings.mediaCodecs);
    let observer: ms.AudioLevelObserver;
    try {
      observer = await router.createAudioLevelObserver({
        maxEntries: Math.min(settings.maxSpeakers, 0xffff),
        threshold: settings.speakingThresholdDbov,
        interval: settings.speakingIntervalMs,
      });
    } catch (error) {
      router.close();
      throw new SfuError(
        SfuErrorCode.MediaUnavailable,
        `mediasoup-worker ${worker.pid} could not create an audio-level observer`,
        { cause: error },
      );
    }
    observer.on('volumes', (volumes) => onLevels(volumes.map((volume) => volume.producer.id)));
    observer.on('silence', () => onLevels([]));
    return new RoomRouter(worker, router, observer);
  }

  /**
   * Adds a microphone of this router to its audio-level observer.
   *
   * @param producerId - the producer.
   * @returns once added, or once it turned out closed (then there is nothing to observe).
   */
  async observe(producerId: string): Promise<void> {
    try {
      await this.#observer.addProducer({ producerId });
    } catch {
      // Only a producer closed meanwhile cannot be added, and it needs no speaking detection.
    }
  }

  /**
   * Makes a producer of `source` consumable here, under the same id; piped once however many
   * participants consume it. The pipe closes with the producer.
   *
   * @param source - the router the producer is on.
   * @param producerId - the producer.
   */
  pipeFrom(source: RoomRouter, producerId: string): Promise<void> {
    let piping = this.#piped.get(producerId);
    if (!piping) {
      piping = source.router
        .pipeToRouter({ producerId, router: this.router, enableSctp: false })
        .then(({ pipeProducer }) => {
          pipeProducer?.observer.once('close', () => this.#piped.delete(producerId));
        });
      piping.catch(() => this.#piped.delete(producerId));
      this.#piped.set(producerId, piping);
    }
    return piping;
  }

  /** Closes the router and everything on it. */
  close(): void {
    this.router.close();
  }
}
