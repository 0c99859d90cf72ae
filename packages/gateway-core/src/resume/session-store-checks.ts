import { GatewayError, GatewayErrorCode } from '../errors.js';
import {
  DEFAULT_SESSION_STORE_OPTIONS,
  type SessionAppend,
  type SessionStoreOptions,
} from './session-store.js';
import { SessionStoreError, SessionStoreErrorCode } from './session-store-error.js';

/** One session's part of an `appendMany`: contiguous frames from `firstSeq` on. */
export interface SessionBatch {
  readonly sessionId: string;
  readonly firstSeq: number;
  readonly frames: string[];
  /** Set when the batch's own sequences are not contiguous: the batch is rejected whole. */
  error: GatewayError | undefined;
}

/**
 * Checks a store's options against their defaults.
 *
 * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `capacity` is not a positive safe
 * integer or `ttlMs` not a positive finite number.
 */
export function resolveSessionStoreOptions(
  options: SessionStoreOptions,
): Required<SessionStoreOptions> {
  const capacity = options.capacity ?? DEFAULT_SESSION_STORE_OPTIONS.capacity;
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_STORE_OPTIONS.ttlMs;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `capacity must be a positive safe integer, got ${String(capacity)}`,
    );
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `ttlMs must be a positive finite number, got ${String(ttlMs)}`,
    );
  }
  return { capacity, ttlMs };
}

/** Splits an `appendMany` into one batch per session, in first-appearance order. */
export function groupAppends(appends: readonly SessionAppend[]): SessionBatch[] {
  const batches = new Map<string, SessionBatch>();
  for (const { sessionId, seq, frame } of appends) {
    const batch = batches.get(sessionId);
    if (batch === undefined) {
      batches.set(sessionId, { sessionId, firstSeq: seq, frames: [frame], error: undefined });
      continue;
    }
    const expected = batch.firstSeq + batch.frames.length;
    if (batch.error === undefined && seq !== expected) {
      batch.error = sequenceError(sessionId, expected, seq);
    }
    batch.frames.push(frame);
  }
  return [...batches.values()];
}

/**
 * Whether a RESUME from `seq` can be answered from a window of `capacity` frames ending at
 * `lastSeq` (the rule of `ReplayBuffer.since`).
 */
export function isResumable(seq: number, lastSeq: number, capacity: number): boolean {
  return Number.isInteger(seq) && seq <= lastSeq && seq >= Math.max(0, lastSeq - capacity);
}

/** The error of an append whose sequence does not continue the session's. */
export function sequenceError(sessionId: string, expected: number, got: number): GatewayError {
  return new GatewayError(
    GatewayErrorCode.InvalidSequence,
    `session ${sessionId}: expected sequence ${expected}, got ${String(got)}`,
  );
}

/** The error of a write to a session the store does not hold. */
export function unknownSessionError(sessionId: string): SessionStoreError {
  return new SessionStoreError(
    SessionStoreErrorCode.UnknownSession,
    `session ${sessionId} is unknown, deleted or expired`,
  );
}

/** Wraps a backend failure, keeping coded errors as they are. */
export function storeFailed(what: string, cause: unknown): GatewayError | SessionStoreError {
  if (cause instanceof GatewayError || cause instanceof SessionStoreError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SessionStoreError(SessionStoreErrorCode.StoreFailed, `${what} failed: ${detail}`, {
    cause,
  });
}

/** The error of a call after `close()`. */
export function closedError(store: string): GatewayError {
  return new GatewayError(GatewayErrorCode.Closed, `${store} is closed`);
}

/**
 * Runs every batch (concurrently for a network store), then rejects with the first failure:
 * one session's bad sequence must not hold back the others' frames.
 */
export async function applyBatches(
  batches: readonly SessionBatch[],
  apply: (batch: SessionBatch) => Promise<void>,
): Promise<void> {
  const results = await Promise.allSettled(
    batches.map((batch) =>
      batch.error === undefined ? apply(batch) : Promise.reject(batch.error),
    ),
  );
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
