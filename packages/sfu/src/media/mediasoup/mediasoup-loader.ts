import type { types as ms } from 'mediasoup';
import { SfuError, SfuErrorCode } from '../../errors.js';

/** The mediasoup module, as `import('mediasoup')` resolves it. */
export type MediasoupModule = typeof import('mediasoup');

/** What to tell someone whose process cannot import mediasoup. */
const NOT_INSTALLED =
  'mediasoup is not installed: npm install mediasoup (an optional peer dependency of @guildkit/sfu)';

/** How to get a worker binary where mediasoup was installed without its install script. */
const HOW_TO_PROVIDE_A_WORKER =
  "allow mediasoup's install script (npm install-scripts approve mediasoup, then npm rebuild " +
  'mediasoup: it downloads a prebuilt mediasoup-worker or builds one with Python and meson), ' +
  'or set MEDIASOUP_WORKER_BIN to a mediasoup-worker binary before the process starts';

/**
 * Imports mediasoup the default way: lazily, so that `@guildkit/sfu/mediasoup` loads without it.
 *
 * @returns the module.
 */
export function importMediasoup(): Promise<MediasoupModule> {
  return import('mediasoup');
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads mediasoup, translating a failure into an {@link SfuError}.
 *
 * @param load - how to import it (`import('mediasoup')` unless injected).
 * @returns the module.
 * @throws {@link SfuError} `GK_SFU_MEDIA_UNAVAILABLE` when the import fails: "not installed" when
 * the module is not found, else the import's own message; the import's error is the `cause`.
 *
 * @example
 * ```ts
 * const mediasoup = await loadMediasoup(() => import('mediasoup'));
 * ```
 */
export async function loadMediasoup(
  load: () => Promise<MediasoupModule>,
): Promise<MediasoupModule> {
  try {
    return await load();
  } catch (error) {
    const code = codeOf(error);
    const message =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
        ? NOT_INSTALLED
        : `mediasoup could not be loaded: ${messageOf(error)}`;
    throw new SfuError(SfuErrorCode.MediaUnavailable, message, { cause: error });
  }
}

/**
 * Says why a worker did not start, and how to fix it where the fix is known.
 *
 * @param error - what `createWorker` rejected with.
 * @param workerBin - the binary mediasoup spawns.
 * @returns the message.
 */
function workerFailure(error: unknown, workerBin: string): string {
  const path = (error as { path?: unknown } | null)?.path;
  const binary = typeof path === 'string' ? path : workerBin;
  switch (codeOf(error)) {
    case 'ENOENT':
      return `mediasoup-worker not found at ${binary}: ${HOW_TO_PROVIDE_A_WORKER}`;
    case 'EACCES':
      return `mediasoup-worker at ${binary} is not executable: make it executable, or ${HOW_TO_PROVIDE_A_WORKER}`;
    default:
      return `mediasoup-worker (${binary}) did not start: ${messageOf(error)}`;
  }
}

/**
 * Starts one mediasoup-worker process, translating a failure into an {@link SfuError}.
 *
 * @param mediasoup - the loaded module.
 * @param settings - the worker's settings.
 * @returns the running worker.
 * @throws {@link SfuError} `GK_SFU_MEDIA_UNAVAILABLE` when the worker does not start: for a
 * missing binary the message names its path and how to provide one; mediasoup's error is the
 * `cause`.
 *
 * @example
 * ```ts
 * const worker = await startWorker(mediasoup, {}); // or GK_SFU_MEDIA_UNAVAILABLE, saying how to get one
 * ```
 */
export async function startWorker(
  mediasoup: MediasoupModule,
  settings: ms.WorkerSettings,
): Promise<ms.Worker> {
  try {
    return await mediasoup.createWorker(settings);
  } catch (error) {
    const message = workerFailure(error, mediasoup.workerBin);
    throw new SfuError(SfuErrorCode.MediaUnavailable, message, { cause: error });
  }
}
