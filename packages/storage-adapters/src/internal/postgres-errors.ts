/** Turns what `pg` throws into the store's errors: a driver error never leaves the adapter. */
import { StorageError, StorageErrorCode, StorageUnavailableError } from '../errors.js';

/** PostgreSQL's SQLSTATE for a unique violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * @param error - anything a query, connect or callback threw.
 * @param what - the operation, for the message.
 * @returns `error` itself when it is a `StorageError`; `GK_STORAGE_ALREADY_EXISTS` for a unique
 * violation (a lost insert race); else `GK_STORAGE_UNAVAILABLE` with the driver error as cause.
 */
export function toStorageError(error: unknown, what: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === UNIQUE_VIOLATION) {
    return new StorageError(StorageErrorCode.AlreadyExists, `postgres: ${what}: already exists`, {
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageUnavailableError(`postgres: ${what} failed: ${detail}`, { cause: error });
}
