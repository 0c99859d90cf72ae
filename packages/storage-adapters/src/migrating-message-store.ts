import { EventEmitter } from 'node:events';
import type { Clock } from '@guildkit/snowflake';
import { StorageError, StorageErrorCode } from './errors.js';
import { ChannelGate } from './internal/channel-gate.js';
import { type CopyBatch, copyBatch, copyMessage } from './internal/migration-copy.js';
import { verifyChannel } from './internal/migration-verify.js';
import { RateLimiter } from './internal/rate-limiter.js';
import { sameCounts, sameIds, samePage, sameRecord } from './internal/record-equality.js';
import {
  type CheckpointStore,
  MemoryCheckpointStore,
  type MigrationCheckpoint,
} from './migration-checkpoint.js';
import type {
  ListQuery,
  MessageEdit,
  MessageRecord,
  MessageStore,
  NewMessage,
  ReactionCount,
  ReactorQuery,
} from './types.js';

/** Options of a {@link MigratingMessageStore}. */
export interface MigrationOptions {
  /**
   * The channels to copy, in a stable order: the checkpoint counts positions in this list, so
   * a resumed copy needs the same list (new channels appended at the end are fine).
   */
  readonly channels: () => Promise<readonly string[]>;
  /** Where the copy's progress is kept between runs. @defaultValue a {@link MemoryCheckpointStore} */
  readonly checkpoints?: CheckpointStore;
  /** Messages copied per second, at most. @defaultValue 1000 */
  readonly copyRatePerSecond?: number;
  /** Messages read from the source per copy batch, 1..100. @defaultValue 100 */
  readonly batchSize?: number;
  /** The share of reads (0..1) of copied channels served by the target. @defaultValue 0 */
  readonly readShare?: number;
  /**
   * Whether reads of copied channels also read the other store and compare.
   * @defaultValue true
   */
  readonly shadowReads?: boolean;
  /** Decides which store serves a read: a read goes to the target when `random() < readShare`. @defaultValue Math.random */
  readonly random?: () => number;
  /** Time for the copy's rate limit. @defaultValue Date.now */
  readonly clock?: Clock;
  /** Waits for the copy's rate limit. @defaultValue a `setTimeout` promise */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The defaults of {@link MigrationOptions}. */
export const DEFAULT_MIGRATION_OPTIONS = {
  copyRatePerSecond: 1000,
  batchSize: 100,
  readShare: 0,
  shadowReads: true,
} as const;

/** The reads a {@link MigratingMessageStore} can serve from either store. */
export type MigrationReadOperation =
  | 'get'
  | 'list'
  | 'reactionCounts'
  | 'listReactors'
  | 'listPins';

/** The writes a {@link MigratingMessageStore} sends to both stores. */
export type MigrationWriteOperation =
  | 'create'
  | 'put'
  | 'edit'
  | 'delete'
  | 'bulkDelete'
  | 'addReaction'
  | 'removeReaction'
  | 'pin'
  | 'unpin';

/** Two stores disagreed: on a shadowed read, or in {@link MigratingMessageStore.verify}. */
export interface Discrepancy {
  readonly operation: MigrationReadOperation | 'verify';
  readonly channelId: string;
  /** The read's arguments after the channel id (for `verify`: the message id, when one is concerned). */
  readonly args: readonly unknown[];
  /** What the source returned. */
  readonly source: unknown;
  /** What the target returned. */
  readonly target: unknown;
}

/** What a finished or stopped copy did. */
export interface CopyReport {
  /** Channels in the list. */
  readonly channels: number;
  /** Messages copied so far, over every run. */
  readonly copiedMessages: number;
  /** Messages this run deleted from the target because the source no longer has them. */
  readonly removedFromTarget: number;
  /** Whether every channel is copied (false when stopped). */
  readonly complete: boolean;
}

/** Events of a {@link MigratingMessageStore}. */
export interface MigrationEvents {
  /** The two stores disagree. */
  discrepancy: [discrepancy: Discrepancy];
  /** A write reached the source but not the target; the channel is copied again later. */
  targetWriteFailed: [
    failure: { operation: MigrationWriteOperation; channelId: string; error: unknown },
  ];
  /** A read failed on one store (the other one served it when it could). */
  readFailed: [
    failure: {
      operation: MigrationReadOperation;
      channelId: string;
      store: 'source' | 'target';
      error: unknown;
    },
  ];
  /** The copy saved a checkpoint. */
  copyProgress: [checkpoint: MigrationCheckpoint];
  /** The copy finished every channel. */
  copyComplete: [report: CopyReport];
  /** {@link MigratingMessageStore.setReadShare} changed the share. */
  readShareChanged: [share: number, previous: number];
}

/**
 * Moves messages from one {@link MessageStore} to another without downtime, as Discord moved
 * its messages from MongoDB to Cassandra and from Cassandra to ScyllaDB:
 *
 * 1. **Dual writes**: every write goes to the source (the truth: its result is returned), then
 *    to the target (an edit's exact result is `put` there, so both hold the same
 *    `editedTimestamp`). A channel's writes run one after another, so both stores apply them in
 *    the same order. A target write that fails on a message the target lacks copies that
 *    message over; any other failure emits `targetWriteFailed` and queues the channel for a
 *    new copy.
 * 2. **Background copy** ({@link MigratingMessageStore.startCopy}): walks the channels and their
 *    history oldest first in batches, `put`s each message, makes its reactions equal, deletes
 *    what the target holds but the source no longer does, saves a checkpoint after each batch
 *    (resumable, also in another process with a durable {@link CheckpointStore}) and keeps to a
 *    rate limit. A batch holds its channel's write queue, so it never races a write.
 * 3. **Shadow reads**: once a channel is copied, each read reads both stores, serves the target's
 *    answer for a `readShare` of reads (1%, 5%, 25%, 50%, 100% — raise or roll back at run time
 *    with {@link MigratingMessageStore.setReadShare}) and the source's otherwise, and emits a
 *    `discrepancy` with both answers when they differ. Reads that overlap a write on the same
 *    channel are not compared (they may legitimately differ).
 * 4. **Verify** ({@link MigratingMessageStore.verify}) compares every channel in full; when it
 *    finds nothing at a 100% share, the application switches to the target alone.
 *
 * @example
 * ```ts
 * const migration = new MigratingMessageStore(mongoLikeStore, cassandraStore, {
 *   channels: async () => guildStore.allChannelIds(),
 * });
 * migration.on('discrepancy', (d) => log.warn(d));
 * await migration.startCopy();
 * for (const share of [0.01, 0.05, 0.25, 0.5, 1]) {
 *   migration.setReadShare(share);
 *   await soak(); // watch the discrepancy rate, roll back with setReadShare(previous) if needed
 * }
 * console.log(await migration.verify()); // 0
 * ```
 */
export class MigratingMessageStore extends EventEmitter<MigrationEvents> implements MessageStore {
  private share: number;
  private readonly shadowReads: boolean;
  private readonly random: () => number;
  private readonly checkpoints: CheckpointStore;
  private readonly limiter: RateLimiter;
  private readonly batchSize: number;
  private readonly gate = new ChannelGate();
  /** Channels whose copy is complete: reads of them may be served by the target and compared. */
  private readonly copied = new Set<string>();
  /** Channels a failed target write left unequal: copied again after the list. */
  private readonly dirty = new Set<string>();
  private readonly writesInFlight = new Map<string, number>();
  private readonly writeGeneration = new Map<string, number>();
  private copying: Promise<CopyReport> | undefined;
  private stopRequested = false;
  private closed = false;

  /**
   * @param source - the store in use: the truth until the migration ends.
   * @param target - the store being filled.
   * @param options - channel list, checkpoints, rates, read share; see {@link DEFAULT_MIGRATION_OPTIONS}.
   * @throws {@link StorageError} `GK_STORAGE_INVALID_ARGUMENT` when an option is out of range.
   */
  constructor(
    readonly source: MessageStore,
    readonly target: MessageStore,
    private readonly options: MigrationOptions,
  ) {
    super();
    const rate = options.copyRatePerSecond ?? DEFAULT_MIGRATION_OPTIONS.copyRatePerSecond;
    const batchSize = options.batchSize ?? DEFAULT_MIGRATION_OPTIONS.batchSize;
    if (typeof options.channels !== 'function') throw invalid('channels must be a function');
    if (!(Number.isFinite(rate) && rate > 0)) throw invalid('copyRatePerSecond must be > 0');
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 100))
      throw invalid('batchSize must be an integer in 1..100');
    this.share = checkShare(options.readShare ?? DEFAULT_MIGRATION_OPTIONS.readShare);
    this.shadowReads = options.shadowReads ?? DEFAULT_MIGRATION_OPTIONS.shadowReads;
    this.random = options.random ?? Math.random;
    this.checkpoints = options.checkpoints ?? new MemoryCheckpointStore();
    this.batchSize = batchSize;
    this.limiter = new RateLimiter(
      rate,
      options.clock ?? { now: Date.now },
      options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    );
  }

  /** The share of reads of copied channels that the target serves. */
  get readShare(): number {
    return this.share;
  }

  /**
   * Raises or rolls back the share of reads the target serves.
   *
   * @param share - 0..1 (0.01 is 1%).
   * @throws {@link StorageError} `GK_STORAGE_INVALID_ARGUMENT` outside 0..1.
   */
  setReadShare(share: number): void {
    const previous = this.share;
    this.share = checkShare(share);
    if (previous !== this.share) this.emit('readShareChanged', this.share, previous);
  }

  /** @returns whether `channelId` is completely copied (its reads are shadowed). */
  isCopied(channelId: string): boolean {
    return this.copied.has(channelId);
  }

  /**
   * Starts (or resumes, from the checkpoint) the background copy; calling it while a copy runs
   * returns that copy.
   *
   * @returns the report when every channel is copied or {@link MigratingMessageStore.stopCopy}
   * stopped it.
   */
  startCopy(): Promise<CopyReport> {
    this.assertOpen();
    if (this.copying !== undefined) return this.copying;
    this.stopRequested = false;
    const run = this.copyAll().finally(() => {
      this.copying = undefined;
    });
    this.copying = run;
    return run;
  }

  /** Stops the copy after its current batch; a later {@link MigratingMessageStore.startCopy} resumes. */
  async stopCopy(): Promise<CopyReport | undefined> {
    const running = this.copying;
    if (running === undefined) return undefined;
    this.stopRequested = true;
    return running;
  }

  /**
   * Compares every listed channel in full — messages, reactions (counts and reactors) and pins —
   * and emits a `discrepancy` for each difference. Each page is compared while holding its
   * channel's write queue, so concurrent writes never show up as differences.
   *
   * @returns how many discrepancies it found.
   */
  async verify(): Promise<number> {
    this.assertOpen();
    let found = 0;
    for (const channelId of await this.options.channels()) {
      await verifyChannel(this, this.gate, channelId, (difference) => {
        found += 1;
        this.emit('discrepancy', { operation: 'verify', ...difference });
      });
    }
    return found;
  }

  /** @inheritdoc */
  create(message: NewMessage): Promise<MessageRecord> {
    return this.write(message?.channelId, async () => {
      const record = await this.source.create(message);
      await this.toTarget('create', record.channelId, record.id, () => this.target.put(record));
      return record;
    });
  }

  /** @inheritdoc */
  put(record: MessageRecord): Promise<void> {
    return this.write(record?.channelId, async () => {
      await this.source.put(record);
      await this.toTarget('put', record.channelId, record.id, () => this.target.put(record));
    });
  }

  /** @inheritdoc */
  get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    return this.read(
      'get',
      channelId,
      [messageId],
      (store) => store.get(channelId, messageId),
      sameRecord,
    );
  }

  /** @inheritdoc */
  edit(channelId: string, messageId: string, edit: MessageEdit): Promise<MessageRecord> {
    return this.write(channelId, async () => {
      const record = await this.source.edit(channelId, messageId, edit);
      await this.toTarget('edit', channelId, messageId, () => this.target.put(record));
      return record;
    });
  }

  /** @inheritdoc */
  delete(channelId: string, messageId: string): Promise<boolean> {
    return this.write(channelId, async () => {
      const existed = await this.source.delete(channelId, messageId);
      await this.toTarget('delete', channelId, messageId, () =>
        this.target.delete(channelId, messageId),
      );
      return existed;
    });
  }

  /** @inheritdoc */
  bulkDelete(channelId: string, messageIds: readonly string[]): Promise<number> {
    return this.write(channelId, async () => {
      const deleted = await this.source.bulkDelete(channelId, messageIds);
      await this.toTarget('bulkDelete', channelId, undefined, async () => {
        for (const id of messageIds) await this.target.delete(channelId, id);
      });
      return deleted;
    });
  }

  /** @inheritdoc */
  list(channelId: string, query?: ListQuery): Promise<MessageRecord[]> {
    return this.read('list', channelId, [query], (store) => store.list(channelId, query), samePage);
  }

  /** @inheritdoc */
  addReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    return this.write(channelId, async () => {
      const added = await this.source.addReaction(channelId, messageId, emoji, userId);
      await this.toTarget('addReaction', channelId, messageId, () =>
        this.target.addReaction(channelId, messageId, emoji, userId),
      );
      return added;
    });
  }

  /** @inheritdoc */
  removeReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    return this.write(channelId, async () => {
      const removed = await this.source.removeReaction(channelId, messageId, emoji, userId);
      await this.toTarget('removeReaction', channelId, messageId, () =>
        this.target.removeReaction(channelId, messageId, emoji, userId),
      );
      return removed;
    });
  }

  /** @inheritdoc */
  reactionCounts(channelId: string, messageId: string): Promise<ReactionCount[]> {
    return this.read(
      'reactionCounts',
      channelId,
      [messageId],
      (store) => store.reactionCounts(channelId, messageId),
      sameCounts,
    );
  }

  /** @inheritdoc */
  listReactors(
    channelId: string,
    messageId: string,
    emoji: string,
    query?: ReactorQuery,
  ): Promise<string[]> {
    return this.read(
      'listReactors',
      channelId,
      [messageId, emoji, query],
      (store) => store.listReactors(channelId, messageId, emoji, query),
      sameIds,
    );
  }

  /** @inheritdoc */
  pin(channelId: string, messageId: string): Promise<void> {
    return this.write(channelId, async () => {
      await this.source.pin(channelId, messageId);
      await this.toTarget('pin', channelId, messageId, () => this.target.pin(channelId, messageId));
    });
  }

  /** @inheritdoc */
  unpin(channelId: string, messageId: string): Promise<boolean> {
    return this.write(channelId, async () => {
      const was = await this.source.unpin(channelId, messageId);
      await this.toTarget('unpin', channelId, messageId, () =>
        this.target.unpin(channelId, messageId),
      );
      return was;
    });
  }

  /** @inheritdoc */
  listPins(channelId: string): Promise<MessageRecord[]> {
    return this.read('listPins', channelId, [], (store) => store.listPins(channelId), samePage);
  }

  /** Stops the copy, then closes both stores. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.stopCopy();
    this.closed = true;
    await Promise.all([this.source.close(), this.target.close()]);
  }

  private async write<T>(channelId: unknown, apply: () => Promise<T>): Promise<T> {
    this.assertOpen();
    if (typeof channelId !== 'string') return apply();
    return this.gate.run(channelId, () => this.tracked(channelId, apply));
  }

  /** Runs `apply` counted as a change of `channelId`, so overlapping reads skip comparing. */
  private async tracked<T>(channelId: string, apply: () => Promise<T>): Promise<T> {
    this.writesInFlight.set(channelId, (this.writesInFlight.get(channelId) ?? 0) + 1);
    this.writeGeneration.set(channelId, (this.writeGeneration.get(channelId) ?? 0) + 1);
    try {
      return await apply();
    } finally {
      const left = this.writesInFlight.get(channelId)! - 1;
      if (left === 0) this.writesInFlight.delete(channelId);
      else this.writesInFlight.set(channelId, left);
    }
  }

  /**
   * Applies a write to the target after it succeeded on the source. When the target lacks the
   * message (not copied yet, or lost), the message is copied over from the source instead;
   * other failures are reported and the channel is queued for a new copy.
   */
  private async toTarget(
    operation: MigrationWriteOperation,
    channelId: string,
    messageId: string | undefined,
    apply: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await apply();
      return;
    } catch (error) {
      const missing =
        error instanceof StorageError && error.code === StorageErrorCode.UnknownMessage;
      if (missing && messageId !== undefined) {
        try {
          await copyMessage(this, channelId, messageId);
          return;
        } catch (repairError) {
          this.targetFailed(operation, channelId, repairError);
          return;
        }
      }
      this.targetFailed(operation, channelId, error);
    }
  }

  private targetFailed(
    operation: MigrationWriteOperation,
    channelId: string,
    error: unknown,
  ): void {
    this.copied.delete(channelId);
    this.dirty.add(channelId);
    this.emit('targetWriteFailed', { operation, channelId, error });
  }

  private async read<T>(
    operation: MigrationReadOperation,
    channelId: string,
    args: readonly unknown[],
    call: (store: MessageStore) => Promise<T>,
    same: (a: T, b: T) => boolean,
  ): Promise<T> {
    this.assertOpen();
    if (!this.copied.has(channelId)) return call(this.source);
    const fromTarget = this.random() < this.share;
    if (!this.shadowReads) return call(fromTarget ? this.target : this.source);
    const generation = this.writeGeneration.get(channelId) ?? 0;
    const quiet = !this.writesInFlight.has(channelId);
    const [source, target] = await Promise.allSettled([call(this.source), call(this.target)]);
    const primary = fromTarget ? target : source;
    const shadow = fromTarget ? source : target;
    if (primary.status === 'rejected') {
      if (isInvalidArgument(primary.reason) || shadow.status === 'rejected') throw primary.reason;
      this.emit('readFailed', {
        operation,
        channelId,
        store: fromTarget ? 'target' : 'source',
        error: primary.reason,
      });
      return shadow.value;
    }
    if (shadow.status === 'rejected') {
      if (!isInvalidArgument(shadow.reason)) {
        this.emit('readFailed', {
          operation,
          channelId,
          store: fromTarget ? 'source' : 'target',
          error: shadow.reason,
        });
      }
      return primary.value;
    }
    const unchanged = quiet && (this.writeGeneration.get(channelId) ?? 0) === generation;
    if (unchanged && source.status === 'fulfilled' && target.status === 'fulfilled') {
      if (!same(source.value, target.value)) {
        this.emit('discrepancy', {
          operation,
          channelId,
          args,
          source: source.value,
          target: target.value,
        });
      }
    }
    return primary.value;
  }

  private async copyAll(): Promise<CopyReport> {
    const channels = await this.options.channels();
    const saved = await this.checkpoints.load();
    let checkpoint: MigrationCheckpoint = resumeAt(saved, channels);
    let removed = 0;
    for (let index = 0; index < checkpoint.channelIndex; index++) this.copied.add(channels[index]!);
    while (checkpoint.channelIndex < channels.length) {
      if (this.stopRequested) return this.reportOf(channels, checkpoint, removed, false);
      const channelId = channels[checkpoint.channelIndex]!;
      const batch = await this.gate.run(channelId, () =>
        this.tracked(channelId, () =>
          copyBatch(this, channelId, checkpoint.afterMessageId, this.batchSize),
        ),
      );
      removed += batch.removed;
      if (batch.copied > 0) await this.limiter.take(batch.copied);
      checkpoint = batch.finished
        ? {
            channelIndex: checkpoint.channelIndex + 1,
            channelId: channels[checkpoint.channelIndex + 1] ?? null,
            afterMessageId: null,
            copiedMessages: checkpoint.copiedMessages + batch.copied,
          }
        : {
            channelIndex: checkpoint.channelIndex,
            channelId,
            afterMessageId: batch.last,
            copiedMessages: checkpoint.copiedMessages + batch.copied,
          };
      if (batch.finished) {
        this.copied.add(channelId);
        this.dirty.delete(channelId);
      }
      await this.checkpoints.save(checkpoint);
      this.emit('copyProgress', checkpoint);
    }
    removed += await this.recopyDirty();
    const report = this.reportOf(channels, checkpoint, removed, true);
    this.emit('copyComplete', report);
    return report;
  }

  /** Copies again, from the start, every channel a failed target write left unequal. */
  private async recopyDirty(): Promise<number> {
    let removed = 0;
    while (this.dirty.size > 0 && !this.stopRequested) {
      const channelId = this.dirty.values().next().value as string;
      this.dirty.delete(channelId);
      let after: string | null = null;
      for (;;) {
        const from: string | null = after;
        const batch: CopyBatch = await this.gate.run(channelId, () =>
          this.tracked(channelId, () => copyBatch(this, channelId, from, this.batchSize)),
        );
        removed += batch.removed;
        if (batch.copied > 0) await this.limiter.take(batch.copied);
        if (batch.finished) break;
        after = batch.last;
      }
      this.copied.add(channelId);
    }
    return removed;
  }

  private reportOf(
    channels: readonly string[],
    checkpoint: MigrationCheckpoint,
    removed: number,
    complete: boolean,
  ): CopyReport {
    return {
      channels: channels.length,
      copiedMessages: checkpoint.copiedMessages,
      removedFromTarget: removed,
      complete,
    };
  }

  private assertOpen(): void {
    if (this.closed)
      throw new StorageError(StorageErrorCode.Closed, 'the migrating store is closed');
  }
}

function resumeAt(
  saved: MigrationCheckpoint | null,
  channels: readonly string[],
): MigrationCheckpoint {
  if (saved === null) {
    return {
      channelIndex: 0,
      channelId: channels[0] ?? null,
      afterMessageId: null,
      copiedMessages: 0,
    };
  }
  if (saved.channelIndex < channels.length && channels[saved.channelIndex] !== saved.channelId) {
    throw invalid(
      `the checkpoint names channel ${saved.channelId} at position ${saved.channelIndex}, the channel list has ${channels[saved.channelIndex]}: the list changed order`,
    );
  }
  return saved;
}

function checkShare(share: number): number {
  if (!(typeof share === 'number' && share >= 0 && share <= 1))
    throw invalid(`read share ${share} is not in 0..1`);
  return share;
}

function isInvalidArgument(error: unknown): boolean {
  return error instanceof StorageError && error.code === StorageErrorCode.InvalidArgument;
}

function invalid(message: string): StorageError {
  return new StorageError(StorageErrorCode.InvalidArgument, message);
}
