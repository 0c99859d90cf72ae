import { GatewayClientError, GatewayClientErrorCode } from './errors.js';

/**
 * Builds the URL to open: the gateway URL with `v=10` and `encoding=json`, plus
 * `compress=zlib-stream` when asked (and without any `compress` otherwise, since the client
 * would not inflate). Every other query parameter and the path are kept.
 *
 * @param base - a `ws:` or `wss:` URL, e.g. `wss://gateway.example` or READY's `resume_gateway_url`.
 * @param compress - whether to ask for zlib-stream transport compression.
 * @returns the URL as a string.
 * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_OPTION` when `base` is not a ws/wss URL.
 * @example
 * ```ts
 * buildGatewayUrl('wss://gw.example/?region=eu', true);
 * // 'wss://gw.example/?region=eu&v=10&encoding=json&compress=zlib-stream'
 * ```
 */
export function buildGatewayUrl(base: string, compress: boolean): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch (cause) {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidOption,
      `gateway url ${JSON.stringify(base)} is not a URL`,
      { cause },
    );
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new GatewayClientError(
      GatewayClientErrorCode.InvalidOption,
      `gateway url must use ws: or wss:, got ${url.protocol}`,
    );
  }
  url.searchParams.set('v', '10');
  url.searchParams.set('encoding', 'json');
  if (compress) url.searchParams.set('compress', 'zlib-stream');
  else url.searchParams.delete('compress');
  return url.toString();
}
