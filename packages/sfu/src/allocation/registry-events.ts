/** Where a voice channel runs: the node and the endpoint its participants connect to. */
export interface SfuAllocation {
  /** The SFU node's id. */
  readonly nodeId: string;
  /** The node's media endpoint, as registered (e.g. `wss://sfu-eu-1.example.com`). */
  readonly endpoint: string;
}

/** A channel re-allocated off a dead, draining or deregistered node. */
export interface SfuChannelMove {
  /** The voice channel. */
  readonly channelId: string;
  /** The node it left. */
  readonly from: string;
  /** Where it runs now; tell its participants to reconnect there. */
  readonly to: SfuAllocation;
}

/** A channel that had to leave its node while no other node had room. */
export interface SfuChannelStranding {
  /** The voice channel; it is no longer allocated, so a later `allocate` places it afresh. */
  readonly channelId: string;
  /** The node it left. */
  readonly from: string;
}

/**
 * The events of an {@link SfuNodeRegistry}. State is updated before each is emitted.
 *
 * @example
 * ```ts
 * registry.on('channelMoved', ({ channelId, to }) => voice.reconnect(channelId, to.endpoint));
 * registry.on('channelStranded', ({ channelId }) => voice.disconnectAll(channelId));
 * registry.on('nodeDown', (nodeId) => alert(`SFU ${nodeId} stopped reporting`));
 * ```
 */
export interface SfuNodeRegistryEvents {
  /** A channel moved to another node. */
  channelMoved: [move: SfuChannelMove];
  /** A channel left its node and no node had room for it. */
  channelStranded: [stranding: SfuChannelStranding];
  /** A node missed its report deadline; it is now dead and its channels have moved. */
  nodeDown: [nodeId: string];
  /**
   * A listener of another event threw `error`; the registry went on (moves run on a timer, where
   * a throw would otherwise crash the process).
   */
  listenerError: [error: unknown];
}
