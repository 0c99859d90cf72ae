/**
 * Functions that Playwright runs inside the page (`page.evaluate`, `page.waitForFunction`).
 * Playwright sends each one as source text, so a function here may use its arguments, browser
 * globals and types, but no value imported into or declared in this module.
 */
import type { GatewayClient } from '@guildkit/gateway-core/client';

/** One dispatch as the page's client emitted it. */
export interface SeenDispatch {
  /** The event name. */
  readonly t: string;
  /** The sequence number. */
  readonly s: number;
  /** The payload. */
  readonly d: unknown;
}

/** What the page's client did, in order. */
export interface PageLog {
  /** Every `dispatch` event (READY and RESUMED included). */
  readonly dispatches: SeenDispatch[];
  /** The `close` and `resumed` events, as `'close <code>'` and `'resumed'`. */
  readonly lifecycle: string[];
  /** The client's session id now. */
  readonly sessionId: string | undefined;
}

/** How the page builds its client. */
export interface InPageClientOptions {
  /** Origin-relative path of the bundled client module. */
  readonly modulePath: string;
  /** The gateway, `ws://127.0.0.1:<port>`. */
  readonly url: string;
  /** The token for IDENTIFY and RESUME. */
  readonly token: string;
  /** The intents bitfield. */
  readonly intents: number;
  /** Ask for zlib-stream transport compression. */
  readonly compress: boolean;
  /** After a drop the client waits 99% of this before reconnecting (fixed, no jitter). */
  readonly reconnectCeilingMs: number;
}

/** What the page reports once its client is READY. */
export interface InPageReady {
  /** The session id from READY. */
  readonly sessionId: string | undefined;
  /** `navigator.userAgent` of the page. */
  readonly userAgent: string;
  /** Whether the page has a Node-style `process` global (it must not). */
  readonly hasNodeProcess: boolean;
}

interface PageGlobals {
  guildkitClient?: GatewayClient;
  guildkitLog?: Omit<PageLog, 'sessionId'>;
  navigator: { readonly userAgent: string };
  process?: unknown;
}

/**
 * Imports the bundled client from the page's origin, creates a `GatewayClient` on the
 * browser's own `WebSocket` (no `WebSocket` option), records its events and connects.
 *
 * @param options - the client's options.
 * @returns once READY arrived: the session id and facts about the page.
 */
export async function connectInPage(options: InPageClientOptions): Promise<InPageReady> {
  const page = globalThis as unknown as PageGlobals;
  // vitest rewrites `import()` written in this file into its own loader, which does not exist
  // in the page; a Function body is left alone and runs the browser's native import().
  const importFromPage = new Function('specifier', 'return import(specifier)') as (
    specifier: string,
  ) => Promise<{ GatewayClient: typeof GatewayClient }>;
  const { GatewayClient: Client } = await importFromPage(options.modulePath);
  const client = new Client({
    url: options.url,
    token: options.token,
    intents: options.intents,
    compress: options.compress,
    backoff: { baseMs: options.reconnectCeilingMs, maxMs: options.reconnectCeilingMs },
    random: () => 0.99,
  });
  const log: Omit<PageLog, 'sessionId'> = { dispatches: [], lifecycle: [] };
  client.on('dispatch', ({ t, s, d }) => log.dispatches.push({ t, s, d }));
  client.on('close', ({ code }) => log.lifecycle.push(`close ${code}`));
  client.on('resumed', () => log.lifecycle.push('resumed'));
  page.guildkitClient = client;
  page.guildkitLog = log;
  await client.connect();
  return {
    sessionId: client.sessionId,
    userAgent: page.navigator.userAgent,
    hasNodeProcess: page.process !== undefined,
  };
}

/**
 * @param count - how many dispatches to wait for.
 * @returns whether the page's client has emitted at least `count` dispatches.
 */
export function pageHasDispatches(count: number): boolean {
  const log = (globalThis as unknown as PageGlobals).guildkitLog;
  return (log?.dispatches.length ?? 0) >= count;
}

/**
 * @param entry - a lifecycle entry, e.g. `'resumed'`.
 * @returns whether the page's client has logged `entry`.
 */
export function pageLogged(entry: string): boolean {
  const log = (globalThis as unknown as PageGlobals).guildkitLog;
  return log?.lifecycle.includes(entry) === true;
}

/**
 * @returns everything the page's client has emitted so far, and its session id.
 * @throws Error when {@link connectInPage} has not run in this page.
 */
export function readPageLog(): PageLog {
  const page = globalThis as unknown as PageGlobals;
  if (page.guildkitLog === undefined) throw new Error('connectInPage has not run in this page');
  return { ...page.guildkitLog, sessionId: page.guildkitClient?.sessionId };
}
