/**
 * A FIFO per channel: each write, and each migration copy batch, on a channel runs after the
 * previous one settled. So both stores of a migration see a channel's writes in the same order,
 * and a copy batch that read messages from the source cannot write them to the target after a
 * later delete or edit of the same messages reached both stores (which would resurrect or
 * revert them). Channels are independent of each other.
 */
export class ChannelGate {
  private readonly tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `task` after every task queued on `channelId` before it.
   *
   * @returns what `task` returns.
   */
  run<T>(channelId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channelId) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(channelId, tail);
    void tail.then(() => {
      if (this.tails.get(channelId) === tail) this.tails.delete(channelId);
    });
    return result;
  }

  /** Channels with queued or running tasks. */
  get busyChannels(): number {
    return this.tails.size;
  }
}
