import type { IncomingMessage, ServerResponse } from 'node:http';

/** What {@link metricsHandler} serves: anything that renders Prometheus text. */
export interface MetricsSource {
  /** The `Content-Type` of the text. */
  readonly contentType: string;
  /** @returns the metrics in the Prometheus text exposition format. */
  metrics(): Promise<string>;
}

/** Options for {@link metricsHandler}. */
export interface MetricsHandlerOptions {
  /** The path served; every other path gets 404. @defaultValue `'/metrics'` */
  readonly path?: string;
}

/**
 * Defaults of {@link MetricsHandlerOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_METRICS_HANDLER_OPTIONS } from '@guildkit/gateway-core/metrics';
 *
 * DEFAULT_METRICS_HANDLER_OPTIONS.path; // '/metrics'
 * ```
 */
export const DEFAULT_METRICS_HANDLER_OPTIONS = {
  path: '/metrics',
} as const satisfies Required<MetricsHandlerOptions>;

/**
 * A `node:http` request listener for Prometheus scrapes: `GET`/`HEAD` on the path answer 200
 * with the metrics, other methods 405, other paths 404, and a failed render 500.
 *
 * @param source - usually a {@link GatewayMetrics}.
 * @param options - the path to serve.
 * @returns the listener, for `http.createServer` or a router.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { GatewayMetrics, metricsHandler } from '@guildkit/gateway-core/metrics';
 *
 * const metrics = new GatewayMetrics();
 * createServer(metricsHandler(metrics)).listen(9464, '127.0.0.1');
 * ```
 */
export function metricsHandler(
  source: MetricsSource,
  options: MetricsHandlerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const path = options.path ?? DEFAULT_METRICS_HANDLER_OPTIONS.path;
  return (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) {
      respond(response, 404, 'Not Found');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      respond(response, 405, 'Method Not Allowed');
      return;
    }
    source.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': source.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => respond(response, 500, `metrics failed: ${String(error)}`),
    );
  };
}

function respond(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
