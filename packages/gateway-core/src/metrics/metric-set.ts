import { Counter, Gauge, type Registry } from 'prom-client';
import { GatewayError, GatewayErrorCode } from '../errors.js';

/** Every metric of a {@link GatewayMetrics}, registered on one registry under one prefix. */
export interface GatewayMetricSet {
  readonly connectionsOpen: Gauge;
  readonly connectionsOpened: Counter;
  readonly connectionsClosed: Counter<'code'>;
  readonly sessions: Gauge;
  readonly sessionsStarted: Counter;
  readonly resumes: Counter<'result'>;
  readonly framesSent: Counter<'kind'>;
  readonly bytesSent: Counter;
  readonly sendQueueDrops: Counter;
  readonly busLag: Gauge<'node'>;
  readonly busBuffered: Gauge<'node'>;
  readonly busPublished: Counter<'node'>;
  readonly busDelivered: Counter<'node'>;
  readonly busDuplicates: Counter<'node'>;
  readonly busGaps: Counter<'node'>;
  readonly busMissed: Counter<'node'>;
  readonly busMalformed: Counter<'node'>;
  readonly presenceUpdatesFlushed: Counter;
  readonly presenceBatchesFlushed: Counter;
}

/** The collect callbacks a metric set is built with: each fills one metric at scrape time. */
export interface GatewayMetricCollectors {
  readonly connectionsOpen: (gauge: Gauge) => void;
  readonly sessions: (gauge: Gauge) => void;
  readonly sendQueueDrops: (counter: Counter) => void;
  readonly busLag: (gauge: Gauge<'node'>) => void;
  readonly busBuffered: (gauge: Gauge<'node'>) => void;
  readonly busCounter: (counter: Counter<'node'>, field: BusCounterField) => void;
}

/** The cumulative fields of `EventBusStats` that become counters. */
export type BusCounterField =
  | 'published'
  | 'delivered'
  | 'duplicates'
  | 'gaps'
  | 'missed'
  | 'malformed';

/** Every {@link BusCounterField}. */
export const BUS_COUNTER_FIELDS: readonly BusCounterField[] = [
  'published',
  'delivered',
  'duplicates',
  'gaps',
  'missed',
  'malformed',
];

const METRIC_SUFFIXES = [
  'connections_open',
  'connections_opened_total',
  'connections_closed_total',
  'sessions',
  'sessions_started_total',
  'resumes_total',
  'frames_sent_total',
  'sent_bytes_total',
  'send_queue_drops_total',
  'bus_lag_seconds',
  'bus_buffered_events',
  'bus_published_total',
  'bus_delivered_total',
  'bus_duplicates_total',
  'bus_gaps_total',
  'bus_missed_total',
  'bus_malformed_total',
  'presence_updates_flushed_total',
  'presence_batches_flushed_total',
] as const;

type MetricSuffix = (typeof METRIC_SUFFIXES)[number];

/**
 * Creates and registers every metric; nothing is registered when a name is taken.
 *
 * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when the registry already holds a metric of
 * the same name (another {@link GatewayMetrics} with the same prefix).
 */
export function createMetricSet(
  registry: Registry,
  prefix: string,
  collect: GatewayMetricCollectors,
): GatewayMetricSet {
  for (const suffix of METRIC_SUFFIXES) {
    const full = `${prefix}${suffix}`;
    if (registry.getSingleMetric(full) !== undefined)
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `the registry already has a metric named ${full}; pass another prefix or registry`,
      );
  }
  const name = (suffix: MetricSuffix): string => `${prefix}${suffix}`;
  const registers = [registry];
  const busCounter = (
    suffix: MetricSuffix,
    help: string,
    field: BusCounterField,
  ): Counter<'node'> =>
    new Counter({
      name: name(suffix),
      help,
      labelNames: ['node'],
      registers,
      collect() {
        collect.busCounter(this, field);
      },
    });
  return {
    connectionsOpen: new Gauge({
      name: name('connections_open'),
      help: 'WebSocket connections open right now.',
      registers,
      collect() {
        collect.connectionsOpen(this);
      },
    }),
    connectionsOpened: new Counter({
      name: name('connections_opened_total'),
      help: 'WebSocket connections accepted.',
      registers,
    }),
    connectionsClosed: new Counter({
      name: name('connections_closed_total'),
      help: 'WebSocket connections closed, by close code.',
      labelNames: ['code'],
      registers,
    }),
    sessions: new Gauge({
      name: name('sessions'),
      help: 'Gateway sessions live right now (attached, or detached and still resumable).',
      registers,
      collect() {
        collect.sessions(this);
      },
    }),
    sessionsStarted: new Counter({
      name: name('sessions_started_total'),
      help: 'Sessions started by IDENTIFY (READY sent).',
      registers,
    }),
    resumes: new Counter({
      name: name('resumes_total'),
      help: 'RESUME attempts, by result (ok: RESUMED sent; invalid: INVALID_SESSION sent).',
      labelNames: ['result'],
      registers,
    }),
    framesSent: new Counter({
      name: name('frames_sent_total'),
      help: 'Frames sent to clients, by kind (dispatch: op 0; control: every other op).',
      labelNames: ['kind'],
      registers,
    }),
    bytesSent: new Counter({
      name: name('sent_bytes_total'),
      help: 'Bytes of frames sent to clients (after zlib-stream compression when in use).',
      registers,
    }),
    sendQueueDrops: new Counter({
      name: name('send_queue_drops_total'),
      help: 'Low-priority dispatches skipped because a send queue was congested.',
      registers,
      collect() {
        collect.sendQueueDrops(this);
      },
    }),
    busLag: new Gauge({
      name: name('bus_lag_seconds'),
      help: 'Publish-to-delivery time of the latest event the bus delivered.',
      labelNames: ['node'],
      registers,
      collect() {
        collect.busLag(this);
      },
    }),
    busBuffered: new Gauge({
      name: name('bus_buffered_events'),
      help: 'Out-of-order bus events held right now, waiting for a missing one.',
      labelNames: ['node'],
      registers,
      collect() {
        collect.busBuffered(this);
      },
    }),
    busPublished: busCounter('bus_published_total', 'Events this bus published.', 'published'),
    busDelivered: busCounter(
      'bus_delivered_total',
      'Bus events handed to subscriptions.',
      'delivered',
    ),
    busDuplicates: busCounter(
      'bus_duplicates_total',
      'Bus events dropped as duplicates or from an old incarnation.',
      'duplicates',
    ),
    busGaps: busCounter('bus_gaps_total', 'Runs of missing bus events given up on.', 'gaps'),
    busMissed: busCounter('bus_missed_total', 'Bus events lost inside those gaps.', 'missed'),
    busMalformed: busCounter(
      'bus_malformed_total',
      'Bus messages that were not valid envelopes.',
      'malformed',
    ),
    presenceUpdatesFlushed: new Counter({
      name: name('presence_updates_flushed_total'),
      help: 'PRESENCE_UPDATE dispatches flushed by the presence tracker.',
      registers,
    }),
    presenceBatchesFlushed: new Counter({
      name: name('presence_batches_flushed_total'),
      help: 'Per-guild presence batches flushed by the presence tracker.',
      registers,
    }),
  };
}
