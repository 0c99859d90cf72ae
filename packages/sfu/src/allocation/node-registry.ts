import type { Clock, Scheduler } from '@guildkit/snowflake';
import { EventEmitter } from 'eventemitter3';
import { SfuError, SfuErrorCode } from '../errors.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from '../internal/system-time.js';
import type {
  SfuAllocation,
  SfuChannelMove,
  SfuChannelStranding,
  SfuNodeRegistryEvents,
} from './registry-events.js';
import {
  DEFAULT_SFU_NODE_REGISTRY_OPTIONS,
  type SfuAllocateOptions,
  type SfuNodeRegistration,
  type SfuNodeRegistryOptions,
  type SfuNodeReport,
  type SfuNodeSnapshot,
  type SfuNodeState,
} from './registry-options.js';
import { selectNode } from './select-node.js';
import {
  assertCpu,
  assertInteger,
  assertNonEmptyString,
  assertPositiveDuration,
} from './validate.js';

interface NodeRecord extends SfuNodeRegistration {
  state: SfuNodeState;
  reported: number;
  /** Participants of channels placed here since the last report, which cannot count them yet. */
  unreported: number;
  cpu: number | undefined;
  lastReportAt: number;
  readonly channels: Set<string>;
}

interface ChannelRecord {
  nodeId: string;
  readonly region: string | undefined;
  readonly participants: number;
  unreported: boolean;
}

type Notice =
  | { readonly event: 'channelMoved'; readonly payload: SfuChannelMove }
  | { readonly event: 'channelStranded'; readonly payload: SfuChannelStranding };

/**
 * The SFU nodes of a deployment and which voice channel runs on which. Load is counted in
 * participants: a node's load is `participants / capacity`, where `participants` is its last
 * report plus the expected participants of channels placed on it since. A channel stays on its
 * node while that node lives (every participant of a channel shares one node); a new channel goes
 * to the least loaded live node with room in its region, else anywhere. Nodes silent for
 * `reportTimeoutMs` are marked dead; their channels, and those of drained or deregistered nodes,
 * move by the same rule, one at a time, so one drain spreads over the remaining nodes.
 *
 * @example
 * ```ts
 * import { SfuNodeRegistry } from '@guildkit/sfu';
 *
 * const registry = new SfuNodeRegistry();
 * registry.register({ id: 'sfu-eu-1', region: 'eu', capacity: 500, endpoint: 'wss://eu-1.example' });
 * registry.on('channelMoved', ({ channelId, to }) => voice.reconnect(channelId, to.endpoint));
 * setInterval(() => registry.report('sfu-eu-1', { participants: 42 }), 5_000); // from the node
 * const { endpoint } = registry.allocate(channelId, { region: 'eu' });
 * // on shutdown:
 * registry.close();
 * ```
 */
export class SfuNodeRegistry extends EventEmitter<SfuNodeRegistryEvents> {
  readonly #reportTimeoutMs: number;
  readonly #checkIntervalMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #nodes = new Map<string, NodeRecord>();
  readonly #channels = new Map<string, ChannelRecord>();
  #cancelCheck: (() => void) | undefined;

  /**
   * @param options - timeouts, clock and scheduler.
   * @throws SfuError `GK_SFU_INVALID_OPTION` when a duration is not a positive finite number.
   */
  constructor(options: SfuNodeRegistryOptions = {}) {
    super();
    const defaults = DEFAULT_SFU_NODE_REGISTRY_OPTIONS;
    const reportTimeoutMs = options.reportTimeoutMs ?? defaults.reportTimeoutMs;
    const checkIntervalMs = options.checkIntervalMs ?? defaults.checkIntervalMs;
    assertPositiveDuration(reportTimeoutMs, 'reportTimeoutMs');
    assertPositiveDuration(checkIntervalMs, 'checkIntervalMs');
    this.#reportTimeoutMs = reportTimeoutMs;
    this.#checkIntervalMs = checkIntervalMs;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.#scheduleCheck();
  }

  /**
   * Adds a live node; registering counts as its first report (zero participants).
   *
   * @param node - id, region, capacity (participants) and endpoint.
   * @throws SfuError `GK_SFU_INVALID_OPTION` when a field is empty or capacity is not a positive
   * integer.
   * @throws SfuError `GK_SFU_DUPLICATE_NODE` when the id is registered already.
   */
  register(node: SfuNodeRegistration): void {
    assertNonEmptyString(node.id, 'id');
    assertNonEmptyString(node.region, 'region');
    assertNonEmptyString(node.endpoint, 'endpoint');
    assertInteger(node.capacity, 'capacity', 1);
    if (this.#nodes.has(node.id)) {
      throw new SfuError(SfuErrorCode.DuplicateNode, `node ${node.id} is registered already`);
    }
    this.#nodes.set(node.id, {
      id: node.id,
      region: node.region,
      capacity: node.capacity,
      endpoint: node.endpoint,
      state: 'live',
      reported: 0,
      unreported: 0,
      cpu: undefined,
      lastReportAt: this.#clock.now(),
      channels: new Set(),
    });
  }

  /**
   * Removes a node, first moving its channels (`channelMoved` / `channelStranded`).
   *
   * @param id - the node.
   * @throws SfuError `GK_SFU_UNKNOWN_NODE` when no such node is registered.
   */
  deregister(id: string): void {
    const node = this.#node(id);
    const notices = this.#evacuate(node);
    this.#nodes.delete(id);
    this.#notify(notices);
  }

  /**
   * Records a node's live load and that it is alive. A dead node's report updates its figures
   * but does not revive it: deregister and register it again.
   *
   * @param id - the node.
   * @param report - its participant count and, optionally, CPU use.
   * @throws SfuError `GK_SFU_UNKNOWN_NODE` when no such node is registered.
   * @throws SfuError `GK_SFU_INVALID_OPTION` when participants is not a non-negative integer or
   * cpu is outside `[0, 1]`.
   */
  report(id: string, report: SfuNodeReport): void {
    const node = this.#node(id);
    assertInteger(report.participants, 'participants', 0);
    if (report.cpu !== undefined) assertCpu(report.cpu);
    node.reported = report.participants;
    node.cpu = report.cpu;
    node.lastReportAt = this.#clock.now();
    node.unreported = 0;
    for (const channelId of node.channels) {
      const channel = this.#channels.get(channelId);
      if (channel !== undefined) channel.unreported = false;
    }
  }

  /**
   * Takes a live node out of placement and moves its channels now (`channelMoved` /
   * `channelStranded`). The node stays listed, `draining`, until deregistered. Idempotent.
   *
   * @param id - the node.
   * @throws SfuError `GK_SFU_UNKNOWN_NODE` when no such node is registered.
   */
  drain(id: string): void {
    const node = this.#node(id);
    if (node.state !== 'live') return;
    node.state = 'draining';
    this.#notify(this.#evacuate(node));
  }

  /**
   * Where a voice channel runs. An allocated channel stays where it is; a new one goes to the
   * least loaded live node with room (`participants + need <= capacity`) in `region`, else in any
   * region; ties by node id.
   *
   * @param channelId - the voice channel.
   * @param options - preferred region and expected participants.
   * @returns the node and its endpoint.
   * @throws SfuError `GK_SFU_INVALID_OPTION` when the id or region is empty or participants is
   * not a positive integer.
   * @throws SfuError `GK_SFU_NO_CAPACITY` when no live node has room.
   * @example
   * ```ts
   * const { nodeId, endpoint } = registry.allocate('1200', { region: 'eu', participants: 2 });
   * ```
   */
  allocate(channelId: string, options: SfuAllocateOptions = {}): SfuAllocation {
    assertNonEmptyString(channelId, 'channelId');
    if (options.region !== undefined) assertNonEmptyString(options.region, 'region');
    const participants = options.participants ?? 1;
    assertInteger(participants, 'participants', 1);
    const existing = this.nodeOf(channelId);
    if (existing !== undefined) return existing;
    const channel: ChannelRecord = {
      nodeId: '',
      region: options.region,
      participants,
      unreported: false,
    };
    const node = this.#place(channelId, channel);
    if (node === undefined) {
      throw new SfuError(
        SfuErrorCode.NoCapacity,
        `no live SFU node has room for ${String(participants)} more participant(s)`,
      );
    }
    return { nodeId: node.id, endpoint: node.endpoint };
  }

  /**
   * Forgets an emptied channel. Its node's load drops now if its last report did not count the
   * channel yet, else at the node's next report.
   *
   * @param channelId - the voice channel.
   * @returns whether the channel was allocated.
   */
  release(channelId: string): boolean {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return false;
    this.#detach(channelId, channel);
    this.#channels.delete(channelId);
    return true;
  }

  /**
   * @param channelId - the voice channel.
   * @returns where it runs, or `undefined` when it is not allocated.
   */
  nodeOf(channelId: string): SfuAllocation | undefined {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return undefined;
    const node = this.#node(channel.nodeId);
    return { nodeId: node.id, endpoint: node.endpoint };
  }

  /** @returns every registered node, sorted by id, for metrics and dashboards. */
  nodes(): SfuNodeSnapshot[] {
    return [...this.#nodes.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((node) => {
        const participants = node.reported + node.unreported;
        return {
          id: node.id,
          region: node.region,
          endpoint: node.endpoint,
          capacity: node.capacity,
          state: node.state,
          participants,
          load: participants / node.capacity,
          ...(node.cpu === undefined ? {} : { cpu: node.cpu }),
          channels: node.channels.size,
          lastReportAt: node.lastReportAt,
        };
      });
  }

  /** Stops the liveness check; allocation keeps working. Idempotent. */
  close(): void {
    this.#cancelCheck?.();
    this.#cancelCheck = undefined;
  }

  #node(id: string): NodeRecord {
    const node = this.#nodes.get(id);
    if (node === undefined) throw new SfuError(SfuErrorCode.UnknownNode, `no SFU node ${id}`);
    return node;
  }

  #place(channelId: string, channel: ChannelRecord): NodeRecord | undefined {
    const candidates = [...this.#nodes.values()].map((record) => ({
      id: record.id,
      region: record.region,
      capacity: record.capacity,
      participants: record.reported + record.unreported,
      accepting: record.state === 'live',
      record,
    }));
    const node = selectNode(candidates, channel.participants, channel.region)?.record;
    if (node === undefined) return undefined;
    channel.nodeId = node.id;
    channel.unreported = true;
    node.unreported += channel.participants;
    node.channels.add(channelId);
    this.#channels.set(channelId, channel);
    return node;
  }

  #detach(channelId: string, channel: ChannelRecord): void {
    const node = this.#node(channel.nodeId);
    node.channels.delete(channelId);
    if (channel.unreported) node.unreported -= channel.participants;
  }

  #evacuate(node: NodeRecord): Notice[] {
    const notices: Notice[] = [];
    const from = node.id;
    const state = node.state;
    // Not accepting while its channels leave, so none lands back on it.
    if (state === 'live') node.state = 'draining';
    for (const channelId of [...node.channels]) {
      const channel = this.#channels.get(channelId);
      if (channel === undefined) continue;
      this.#detach(channelId, channel);
      const to = this.#place(channelId, channel);
      if (to === undefined) {
        this.#channels.delete(channelId);
        notices.push({ event: 'channelStranded', payload: { channelId, from } });
      } else {
        const payload = { channelId, from, to: { nodeId: to.id, endpoint: to.endpoint } };
        notices.push({ event: 'channelMoved', payload });
      }
    }
    node.state = state;
    return notices;
  }

  #notify(notices: readonly Notice[]): void {
    for (const notice of notices) {
      try {
        if (notice.event === 'channelMoved') this.emit('channelMoved', notice.payload);
        else this.emit('channelStranded', notice.payload);
      } catch (error) {
        this.emit('listenerError', error);
      }
    }
  }

  #scheduleCheck(): void {
    this.#cancelCheck = this.#scheduler.setTimeout(() => {
      this.#checkLiveness();
      if (this.#cancelCheck !== undefined) this.#scheduleCheck();
    }, this.#checkIntervalMs);
  }

  #checkLiveness(): void {
    const now = this.#clock.now();
    const down: NodeRecord[] = [];
    for (const node of this.#nodes.values()) {
      if (node.state === 'dead' || now - node.lastReportAt < this.#reportTimeoutMs) continue;
      node.state = 'dead';
      down.push(node);
    }
    // All marked first, so no channel lands on a node about to be evacuated in this same check.
    const notices = down.flatMap((node) => this.#evacuate(node));
    for (const { id } of down) {
      try {
        this.emit('nodeDown', id);
      } catch (error) {
        this.emit('listenerError', error);
      }
    }
    this.#notify(notices);
  }
}
