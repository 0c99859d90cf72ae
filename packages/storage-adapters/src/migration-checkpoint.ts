/**
 * Where a migration's background copy stands: every channel before `channelIndex` (in the
 * migration's channel list) is copied, and channel `channelIndex` is copied up to and including
 * message `afterMessageId` (`null`: not started).
 */
export interface MigrationCheckpoint {
  readonly channelIndex: number;
  /** The channel at `channelIndex`, so a resumed copy can tell that the list changed. */
  readonly channelId: string | null;
  readonly afterMessageId: string | null;
  /** Messages copied so far, over every run. */
  readonly copiedMessages: number;
}

/**
 * Keeps a migration's checkpoint between runs (and processes). Implement it on any durable
 * store — a row in PostgreSQL, a key in Redis, a file; {@link MemoryCheckpointStore} is for
 * tests and single-run copies.
 */
export interface CheckpointStore {
  /** @returns the last saved checkpoint, or `null` before the first save. */
  load(): Promise<MigrationCheckpoint | null>;
  /** Saves `checkpoint`, replacing the previous one. */
  save(checkpoint: MigrationCheckpoint): Promise<void>;
}

/** A {@link CheckpointStore} in memory: survives `stopCopy()`/`startCopy()`, not a restart. */
export class MemoryCheckpointStore implements CheckpointStore {
  private checkpoint: MigrationCheckpoint | null = null;

  /** @returns the last saved checkpoint, or `null`. */
  async load(): Promise<MigrationCheckpoint | null> {
    return this.checkpoint;
  }

  /** @param checkpoint - replaces the saved one. */
  async save(checkpoint: MigrationCheckpoint): Promise<void> {
    this.checkpoint = { ...checkpoint };
  }
}
