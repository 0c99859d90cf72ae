/**
 * `@guildkit/gateway-core/metrics`: Prometheus metrics of a gateway node on `prom-client` —
 * connections, sessions, resumes, frames and bytes sent, send-queue drops, event-bus lag and
 * flushed presence updates — and a `node:http` handler serving them. A sub-path so that the
 * main entry never loads `prom-client`.
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

export type { SentFrameKind } from './gateway-server.js';
export {
  DEFAULT_GATEWAY_METRICS_OPTIONS,
  GatewayMetrics,
  type GatewayMetricsOptions,
} from './metrics/gateway-metrics.js';
export {
  DEFAULT_METRICS_HANDLER_OPTIONS,
  type MetricsHandlerOptions,
  type MetricsSource,
  metricsHandler,
} from './metrics/metrics-handler.js';
