import type { GatewayIdentifyData, GatewayPresenceUpdateDispatchData } from 'discord-api-types/v10';
import { Registry } from 'prom-client';
import type { EventBus } from '../bus/event-bus.js';
import type { GatewayConnectionOptions } from '../gateway-connection.js';
import type { GatewayServer, SentFrameKind } from '../gateway-server.js';
import type { GatewaySession } from '../gateway-session.js';
import type { PresenceTracker } from '../presence/presence-tracker.js';
import {
  BUS_COUNTER_FIELDS,
  type BusCounterField,
  createMetricSet,
  type GatewayMetricSet,
} from './metric-set.js';

/** Options for {@link GatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Where the metrics are registered. @defaultValue a new, dedicated `Registry` */
  readonly registry?: Registry;
  /** Prefix of every metric name. @defaultValue `'guildkit_gateway_'` */
  readonly prefix?: string;
}

/**
 * Defaults of {@link GatewayMetricsOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_GATEWAY_METRICS_OPTIONS } from '@guildkit/gateway-core/metrics';
 *
 * DEFAULT_GATEWAY_METRICS_OPTIONS.prefix; // 'guildkit_gateway_'
 * ```
 */
export const DEFAULT_GATEWAY_METRICS_OPTIONS = {
  prefix: 'guildkit_gateway_',
} as const satisfies Required<Pick<GatewayMetricsOptions, 'prefix'>>;

/** Ended sessions are forgotten at scrapes, and when this many (or twice the live count) pile up. */
const MIN_SWEEP_SIZE = 1024;

type PresenceListener = (guildId: string, updates: GatewayPresenceUpdateDispatchData[]) => void;

/** The hooks {@link GatewayMetrics.instrument} wraps. */
type SessionHooks = Pick<GatewayConnectionOptions, 'onReady' | 'onResumed'>;

/** What {@link GatewayMetrics.instrument} takes: server or connection options. */
type InstrumentedOptions = SessionHooks & Pick<GatewayConnectionOptions, 'authenticate'>;

/**
 * Prometheus metrics of a gateway node, on a dedicated `prom-client` registry by default.
 * It observes a {@link GatewayServer} (open connections, live sessions), the sessions that reach
 * READY or RESUMED through {@link instrument}ed hooks (sessions started, resumes, send-queue
 * drops), an {@link EventBus} (lag, published/delivered/gaps) and a {@link PresenceTracker}
 * (flushed PRESENCE_UPDATEs). Facts only the socket layer sees (connections opened/closed by
 * close code, frames and bytes sent, rejected RESUMEs) come in through the `record*` methods.
 *
 * Counters fed from an observed object's own totals count what happened while it was observed.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { GatewayServer } from '@guildkit/gateway-core';
 * import { GatewayMetrics, metricsHandler } from '@guildkit/gateway-core/metrics';
 *
 * const metrics = new GatewayMetrics();
 * const server = new GatewayServer(metrics.instrument({ port: 8080, authenticate }));
 * metrics.observeServer(server);
 * createServer(metricsHandler(metrics)).listen(9464);
 * ```
 */
export class GatewayMetrics {
  /** The registry the metrics live in (the one passed as an option, or a dedicated one). */
  readonly registry: Registry;
  readonly #set: GatewayMetricSet;
  readonly #servers = new Map<GatewayServer, () => void>();
  /** Each watched session's `droppedLowPriority` as last counted. */
  readonly #sessions = new Map<GatewaySession, number>();
  #sweepAt = MIN_SWEEP_SIZE;
  /** Each observed bus's cumulative stats as last counted. */
  readonly #buses = new Map<EventBus, Map<BusCounterField, number>>();
  readonly #trackers = new Map<PresenceTracker, PresenceListener>();

  /**
   * @param options - registry and name prefix.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when the registry already holds a metric of
   * one of the names (e.g. a second instance with the same registry and prefix).
   */
  constructor(options: GatewayMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.#set = createMetricSet(
      this.registry,
      options.prefix ?? DEFAULT_GATEWAY_METRICS_OPTIONS.prefix,
      {
        connectionsOpen: (gauge) => gauge.set(this.#sum((server) => server.connectionCount)),
        sessions: (gauge) => gauge.set(this.#sum((server) => server.fanOut.size)),
        sendQueueDrops: () => this.#countDrops(),
        busLag: (gauge) => {
          gauge.reset();
          for (const bus of this.#buses.keys()) gauge.set({ node: bus.nodeId }, bus.lagMs / 1000);
        },
        busBuffered: (gauge) => {
          gauge.reset();
          for (const bus of this.#buses.keys())
            gauge.set({ node: bus.nodeId }, bus.stats().buffered);
        },
        busCounter: (counter, field) => {
          for (const [bus, last] of this.#buses) {
            const value = bus.stats()[field];
            const delta = value - (last.get(field) ?? 0);
            if (delta > 0) counter.inc({ node: bus.nodeId }, delta);
            last.set(field, value);
          }
        },
      },
    );
  }

  /** The `Content-Type` of {@link metrics}' text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Renders every metric of the registry (other metrics registered there included).
   *
   * @returns the Prometheus text exposition format.
   * @example
   * ```ts
   * response.setHeader('content-type', metrics.contentType);
   * response.end(await metrics.metrics());
   * ```
   */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Observes a server: its open connections (`connections_open`) and live sessions
   * (`sessions`) at every scrape, summed over every observed server, and as they happen the
   * connections it accepts and closes (`connections_opened_total`,
   * `connections_closed_total{code}`), the frames and bytes it sends (`frames_sent_total`,
   * `sent_bytes_total`), READY and RESUME outcomes (`sessions_started_total`,
   * `resumes_total{result}`) and send-queue drops. Idempotent. A server observed here needs no
   * {@link instrument}.
   *
   * @param server - the server.
   * @returns a function that stops observing it.
   */
  observeServer(server: GatewayServer): () => void {
    const observed = this.#servers.get(server);
    if (observed !== undefined) return observed;
    const stopObserving = server.observe({
      connectionOpened: () => this.recordConnectionOpened(),
      connectionClosed: (code) => this.recordConnectionClosed(code),
      frameSent: (kind, bytes) => this.recordFrameSent(kind, bytes),
      sessionReady: (session) => this.recordReady(session),
      sessionResumed: (session) => this.recordResumed(session),
      resumeRejected: () => this.recordResumeRejected(),
    });
    const stop = (): void => {
      if (this.#servers.get(server) !== stop) return;
      stopObserving();
      this.#servers.delete(server);
    };
    this.#servers.set(server, stop);
    return stop;
  }

  /**
   * Wraps `onReady` and `onResumed` so every session that reaches READY or RESUMED is counted
   * (`sessions_started_total`, `resumes_total{result="ok"}`) and its skipped low-priority
   * dispatches feed `send_queue_drops_total`. The caller's hooks still run, after the count.
   * For connections run without a {@link GatewayServer}; an observed server counts these itself
   * (instrumenting its options too would count every session twice).
   *
   * @param options - `GatewayConnectionOptions` (or server options of an unobserved server).
   * @returns a copy of `options` with the two hooks wrapped.
   * @example
   * ```ts
   * const server = new GatewayServer(metrics.instrument({ authenticate, onReady: greet }));
   * ```
   */
  instrument<T extends InstrumentedOptions>(options: T): T & Required<SessionHooks> {
    const { onReady, onResumed } = options;
    return {
      ...options,
      onReady: (session: GatewaySession, identify: GatewayIdentifyData) => {
        this.recordReady(session);
        onReady?.(session, identify);
      },
      onResumed: (session: GatewaySession) => {
        this.recordResumed(session);
        onResumed?.(session);
      },
    };
  }

  /**
   * Reports a bus's lag (`bus_lag_seconds`), held events and its cumulative counters
   * (published, delivered, duplicates, gaps, missed, malformed) from {@link EventBus.stats} at
   * every scrape, labelled with its `nodeId`. Idempotent.
   *
   * @param bus - the bus.
   * @returns a function that stops observing it (its gauges disappear; counters keep their value).
   */
  observeBus(bus: EventBus): () => void {
    if (!this.#buses.has(bus)) {
      const stats = bus.stats();
      this.#buses.set(
        bus,
        new Map(
          BUS_COUNTER_FIELDS.map((field): [BusCounterField, number] => [field, stats[field]]),
        ),
      );
    }
    return () => {
      this.#buses.delete(bus);
    };
  }

  /**
   * Counts a tracker's flushed batches and the PRESENCE_UPDATEs in them
   * (`presence_batches_flushed_total`, `presence_updates_flushed_total`). Idempotent.
   *
   * @param tracker - the tracker.
   * @returns a function that stops observing it.
   */
  observePresence(tracker: PresenceTracker): () => void {
    let listener = this.#trackers.get(tracker);
    if (listener === undefined) {
      listener = (_guildId, updates) => {
        this.#set.presenceBatchesFlushed.inc();
        this.#set.presenceUpdatesFlushed.inc(updates.length);
      };
      this.#trackers.set(tracker, listener);
      tracker.on('presenceUpdate', listener);
    }
    return () => {
      const current = this.#trackers.get(tracker);
      if (current === undefined) return;
      this.#trackers.delete(tracker);
      tracker.off('presenceUpdate', current);
    };
  }

  /** Counts an accepted WebSocket connection (`connections_opened_total`). */
  recordConnectionOpened(): void {
    this.#set.connectionsOpened.inc();
  }

  /**
   * Counts a closed WebSocket connection (`connections_closed_total{code}`).
   *
   * @param code - the close code (the one sent, or the one received when the peer closed).
   */
  recordConnectionClosed(code: number): void {
    this.#set.connectionsClosed.inc({ code: String(code) });
  }

  /**
   * Counts a frame sent to a client (`frames_sent_total{kind}`, `sent_bytes_total`).
   *
   * @param kind - `'dispatch'` for op 0, else `'control'`.
   * @param bytes - its size on the socket (compressed size under zlib-stream).
   */
  recordFrameSent(kind: SentFrameKind, bytes: number): void {
    this.#set.framesSent.inc({ kind });
    this.#set.bytesSent.inc(bytes);
  }

  /**
   * Counts a session start (`sessions_started_total`) and watches its send-queue drops.
   *
   * @param session - the session READY was sent for.
   */
  recordReady(session: GatewaySession): void {
    this.#set.sessionsStarted.inc();
    this.#watch(session);
  }

  /**
   * Counts a successful RESUME (`resumes_total{result="ok"}`) and watches the session's
   * send-queue drops.
   *
   * @param session - the session RESUMED was sent for.
   */
  recordResumed(session: GatewaySession): void {
    this.#set.resumes.inc({ result: 'ok' });
    this.#watch(session);
  }

  /** Counts a RESUME answered with INVALID_SESSION (`resumes_total{result="invalid"}`). */
  recordResumeRejected(): void {
    this.#set.resumes.inc({ result: 'invalid' });
  }

  #watch(session: GatewaySession): void {
    if (this.#sessions.has(session)) return;
    this.#sessions.set(session, session.droppedLowPriority);
    if (this.#sessions.size >= this.#sweepAt) {
      this.#countDrops();
      this.#sweepAt = Math.max(MIN_SWEEP_SIZE, 2 * this.#sessions.size);
    }
  }

  /** Adds every watched session's new drops to the counter and forgets ended sessions. */
  #countDrops(): void {
    let drops = 0;
    for (const [session, counted] of this.#sessions) {
      drops += session.droppedLowPriority - counted;
      if (session.ended) this.#sessions.delete(session);
      else this.#sessions.set(session, session.droppedLowPriority);
    }
    if (drops > 0) this.#set.sendQueueDrops.inc(drops);
  }

  #sum(of: (server: GatewayServer) => number): number {
    let total = 0;
    for (const server of this.#servers.keys()) total += of(server);
    return total;
  }
}
