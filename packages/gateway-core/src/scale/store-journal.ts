import type { Scheduler } from '@guildkit/snowflake';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import type { GatewaySession, SessionJournal } from '../gateway-session.js';
import { SYSTEM_SCHEDULER } from '../internal/system-time.js';
import type { SessionAppend, SessionStore } from '../resume/session-store.js';
import { SessionStoreError, SessionStoreErrorCode } from '../resume/session-store-error.js';

/**
 * The close code a session's connection gets when this node may no longer write the session
 * (another node resumed it, or the store failed). Like any code but 1000/1001 it keeps the
 * session resumable: the client RESUMEs and gets what the store holds.
 */
export const SESSION_FENCED_CLOSE_CODE = 4000;

/** Options for {@link StoreJournal}. */
export interface StoreJournalOptions {
  /** The store shared by the nodes that resume each other's sessions. */
  readonly store: SessionStore;
  /** Timers for the per-tick batch. @defaultValue Node's `setTimeout` */
  readonly scheduler?: Scheduler;
  /** Receives store failures that ended a session on this node. @defaultValue ignore */
  readonly onError?: (error: unknown) => void;
}

interface Journal {
  /** Resolves once the session's state exists in the store. */
  created: Promise<void>;
  pending: SessionAppend[];
  /** The session's write chain: one batch at a time, in sequence order. */
  tail: Promise<void>;
  batches: number;
  failed: boolean;
}

/**
 * Write-ahead log of sessions in a {@link SessionStore}: a session's dispatches are appended
 * (one `appendMany` per session per tick) and released to its socket only once the store
 * holds them. So a client never sees a sequence the store lacks, and after its node is
 * drained or killed it can RESUME on any node from exactly its last `seq`. What a crash
 * loses is the tail that was recorded but not yet appended (at most one tick plus one store
 * round trip of dispatches): the client never received it, and the node that resumes the
 * session continues the sequence from the stored `lastSeq`, so the client sees neither a gap
 * nor a repeat, but those events never reach it.
 *
 * A session's batches are written one after the other, never two at once, so when another
 * node claims the session (appending RESUMED at `lastSeq + 1`) this node's next batch fails
 * the store's contiguous-sequence check; the session is then ended here and its connection,
 * if any, closed with {@link SESSION_FENCED_CLOSE_CODE}.
 *
 * @example
 * ```ts
 * const journal = new StoreJournal({ store });
 * const session = new GatewaySession({ ...init, journal }); // READY (seq 1) creates it in the store
 * ```
 */
export class StoreJournal implements SessionJournal {
  readonly #store: SessionStore;
  readonly #scheduler: Scheduler;
  readonly #onError: (error: unknown) => void;
  readonly #journals = new Map<GatewaySession, Journal>();
  #flushScheduled = false;

  /**
   * @param options - the store and the scheduler.
   */
  constructor(options: StoreJournalOptions) {
    this.#store = options.store;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * {@inheritDoc SessionJournal.record}
   * A session's first dispatch (READY, seq 1) first creates its state in the store.
   */
  record(session: GatewaySession, seq: number, frame: string): void {
    let journal = this.#journals.get(session);
    if (journal === undefined) {
      const created =
        seq === 1
          ? this.#store.create({
              sessionId: session.id,
              userId: session.user.id,
              shard: session.shard,
              intents: session.intents,
            })
          : Promise.resolve();
      // A failed create surfaces through the session's first append.
      created.catch(() => undefined);
      journal = { created, pending: [], tail: Promise.resolve(), batches: 0, failed: false };
      this.#journals.set(session, journal);
    }
    if (journal.failed) return;
    journal.pending.push({ sessionId: session.id, seq, frame });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      this.#scheduler.setTimeout(() => this.#flush(), 0);
    }
  }

  /**
   * Moves a held session's resume deadline (e.g. on a heartbeat).
   *
   * @param session - the session.
   */
  touch(session: GatewaySession): void {
    this.#store.touch(session.id).catch((error: unknown) => this.#onError(error));
  }

  /**
   * Forgets a session that ended cleanly, once its pending frames are written.
   *
   * @param session - the ended session.
   */
  delete(session: GatewaySession): void {
    const journal = this.#journals.get(session);
    const after = journal === undefined ? Promise.resolve() : journal.tail;
    this.#journals.delete(session);
    after
      .then(() => this.#store.delete(session.id))
      .catch((error: unknown) => this.#onError(error));
  }

  /**
   * Waits until every recorded frame has been written (or its session ended).
   *
   * @returns when the journal is idle.
   */
  async drain(): Promise<void> {
    while (this.#flushScheduled || this.#journals.size > 0) {
      if (this.#flushScheduled) this.#flush();
      await Promise.all([...this.#journals.values()].map((journal) => journal.tail));
      for (const [session, journal] of this.#journals)
        if (journal.batches === 0 && journal.pending.length === 0) this.#journals.delete(session);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    for (const [session, journal] of this.#journals) {
      if (journal.pending.length === 0) {
        if (journal.batches === 0 && session.ended) this.#journals.delete(session);
        continue;
      }
      const batch = journal.pending;
      journal.pending = [];
      journal.batches += 1;
      journal.tail = journal.tail.then(() => this.#write(session, journal, batch));
    }
  }

  async #write(session: GatewaySession, journal: Journal, batch: SessionAppend[]): Promise<void> {
    try {
      if (journal.failed) return;
      await journal.created;
      await this.#store.appendMany(batch);
      session.release(batch[batch.length - 1]?.seq ?? 0);
    } catch (error) {
      journal.failed = true;
      session.end(SESSION_FENCED_CLOSE_CODE);
      if (!isFenced(error)) this.#onError(error);
    } finally {
      journal.batches -= 1;
      if (journal.batches === 0 && journal.pending.length === 0 && session.ended)
        this.#journals.delete(session);
    }
  }
}

/** Another node owns the session now (or it expired): not a failure worth reporting. */
function isFenced(error: unknown): boolean {
  return (
    (error instanceof GatewayError && error.code === GatewayErrorCode.InvalidSequence) ||
    (error instanceof SessionStoreError && error.code === SessionStoreErrorCode.UnknownSession)
  );
}
