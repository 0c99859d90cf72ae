import type { Clock, Scheduler } from '@guildkit/snowflake';

/** Options for {@link SfuNodeRegistry}. */
export interface SfuNodeRegistryOptions {
  /**
   * A node silent for this long (no `register` or `report`) is marked dead and drained.
   * @defaultValue 15_000
   */
  readonly reportTimeoutMs?: number;
  /**
   * How often silence is checked, so a dead node is noticed within
   * `reportTimeoutMs + checkIntervalMs`.
   * @defaultValue 5_000
   */
  readonly checkIntervalMs?: number;
  /** Time source. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /** Timer source. @defaultValue Node's `setTimeout` */
  readonly scheduler?: Scheduler;
}

/**
 * Defaults of {@link SfuNodeRegistryOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_SFU_NODE_REGISTRY_OPTIONS } from '@guildkit/sfu';
 *
 * DEFAULT_SFU_NODE_REGISTRY_OPTIONS.reportTimeoutMs; // 15000
 * ```
 */
export const DEFAULT_SFU_NODE_REGISTRY_OPTIONS = {
  reportTimeoutMs: 15_000,
  checkIntervalMs: 5_000,
} as const satisfies Required<Pick<SfuNodeRegistryOptions, 'reportTimeoutMs' | 'checkIntervalMs'>>;

/** A node joining the registry. */
export interface SfuNodeRegistration {
  /** Unique node id. */
  readonly id: string;
  /** The node's region (e.g. `eu-west`); `allocate` prefers nodes of the requested one. */
  readonly region: string;
  /** Most voice participants the node carries, a positive integer. */
  readonly capacity: number;
  /** Where participants connect (e.g. `wss://sfu-eu-1.example.com`). */
  readonly endpoint: string;
}

/** A node's live load report. */
export interface SfuNodeReport {
  /** Participants connected to the node right now, across all its channels. */
  readonly participants: number;
  /** CPU use in `[0, 1]`; shown in {@link SfuNodeRegistry.nodes}, not used for placement. */
  readonly cpu?: number;
}

/** Options for {@link SfuNodeRegistry.allocate}. */
export interface SfuAllocateOptions {
  /** The preferred region; also used when the channel has to move later. */
  readonly region?: string;
  /**
   * Participants the channel is expected to bring, counted against the node until its next report.
   * @defaultValue 1
   */
  readonly participants?: number;
}

/** `live` takes channels; `draining` (by {@link SfuNodeRegistry.drain}) and `dead` do not. */
export type SfuNodeState = 'live' | 'draining' | 'dead';

/** One node as {@link SfuNodeRegistry.nodes} reports it. */
export interface SfuNodeSnapshot {
  /** The node's id. */
  readonly id: string;
  /** The node's region. */
  readonly region: string;
  /** The node's endpoint. */
  readonly endpoint: string;
  /** Most participants the node carries. */
  readonly capacity: number;
  /** Whether the node takes new channels. */
  readonly state: SfuNodeState;
  /** Last reported participants plus those of channels placed on it since. */
  readonly participants: number;
  /** `participants / capacity`; may exceed 1 when a report says so. */
  readonly load: number;
  /** Last reported CPU use, if any. */
  readonly cpu?: number;
  /** Voice channels allocated to the node. */
  readonly channels: number;
  /** Clock time of the last `register` or `report`. */
  readonly lastReportAt: number;
}
