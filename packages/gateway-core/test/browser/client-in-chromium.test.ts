import { existsSync } from 'node:fs';
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LiveGateway, TOKEN } from '../client/support/live-gateway.js';
import { USER } from '../support/harness.js';
import { bundleClientForBrowser, type ClientBundle } from './support/client-bundle.js';
import {
  connectInPage,
  type InPageClientOptions,
  pageHasDispatches,
  pageLogged,
  readPageLog,
} from './support/in-page.js';
import { CLIENT_MODULE_PATH, type PageServer, startPageServer } from './support/page-server.js';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const MISSING_CHROMIUM = `${CHROMIUM_PATH} is missing; .ci/run installs Debian's chromium (apt-get install chromium)`;
const chromiumInstalled = existsSync(CHROMIUM_PATH);
const mustRun = process.env['CI'] === 'true';
if (!chromiumInstalled && !mustRun)
  console.warn(`skipping the browser client tests: ${MISSING_CHROMIUM}`);

const PAGE_WAIT = { timeout: 15_000, polling: 20 } as const;
const NODE_WAIT = { timeout: 15_000, interval: 5 } as const;
const GUILD_ID = '41771983423143937';
const INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages;
/** Long enough that the Node side acts while the page is away, short enough for the time box. */
const RECONNECT_CEILING_MS = 1500;

/** ~20 kB of text from a fixed Park-Miller generator (compresses poorly), multi-byte UTF-8 mixed in. */
function largeText(): string {
  const symbols = Array.from('abcdefghijklmnopqrstuvwxyz ü€😀');
  let state = 12_345;
  let text = '';
  for (let i = 0; i < 17_000; i++) {
    state = (state * 48_271) % 2_147_483_647;
    text += symbols[state % symbols.length];
  }
  return text;
}

/** What `beforeAll` starts: the bundle, a gateway, a page server and Chromium. */
interface Running {
  readonly bundle: ClientBundle;
  readonly gateway: LiveGateway;
  readonly gatewayUrl: string;
  readonly pages: PageServer;
  readonly browser: Browser;
  /** Paths and queries of every WebSocket upgrade the gateway saw in the current test. */
  readonly upgradeUrls: string[];
}

describe.skipIf(!chromiumInstalled && !mustRun)(
  'GatewayClient bundled for and run in Chromium',
  () => {
    const started: { -readonly [K in keyof Running]?: Running[K] } = {};
    let context: BrowserContext | undefined;

    beforeAll(async () => {
      if (!chromiumInstalled) throw new Error(MISSING_CHROMIUM);
      started.bundle = await bundleClientForBrowser();
      const upgradeUrls: string[] = [];
      started.upgradeUrls = upgradeUrls;
      started.gateway = new LiveGateway({ guildIds: () => [GUILD_ID], identifyConcurrency: false });
      started.gateway.http.on('upgrade', (request) => upgradeUrls.push(request.url ?? ''));
      await started.gateway.start();
      const address = started.gateway.server.address();
      if (address === undefined) throw new Error('the gateway is not listening');
      started.gatewayUrl = `ws://127.0.0.1:${address.port}`;
      started.pages = await startPageServer(started.bundle.code);
      started.browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
      });
    });

    afterEach(async () => {
      await context?.close();
      context = undefined;
      const server = started.gateway?.server;
      if (server !== undefined)
        await vi.waitFor(() => expect(server.connectionCount).toBe(0), NODE_WAIT);
      if (started.upgradeUrls !== undefined) started.upgradeUrls.length = 0;
    });

    afterAll(async () => {
      await started.browser?.close();
      await started.gateway?.stop();
      await started.pages?.close();
    });

    function running(): Running {
      const { bundle, gateway, gatewayUrl, pages, browser, upgradeUrls } = started;
      if (
        bundle === undefined ||
        gateway === undefined ||
        gatewayUrl === undefined ||
        pages === undefined ||
        browser === undefined ||
        upgradeUrls === undefined
      )
        throw new Error('beforeAll did not finish');
      return { bundle, gateway, gatewayUrl, pages, browser, upgradeUrls };
    }

    /** A page of the page server in a fresh browser context (closed after the test). */
    async function openPage(): Promise<Page> {
      const { browser, pages } = running();
      context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${pages.origin}/`);
      return page;
    }

    function clientOptions(compress: boolean): InPageClientOptions {
      return {
        modulePath: CLIENT_MODULE_PATH,
        url: running().gatewayUrl,
        token: TOKEN,
        intents: INTENTS,
        compress,
        reconnectCeilingMs: RECONNECT_CEILING_MS,
      };
    }

    it("bundles for the browser with fflate's browser build and without ws", () => {
      const inputsMatching = (pattern: RegExp): readonly string[] =>
        running().bundle.inputs.filter((input) => pattern.test(input));
      expect(inputsMatching(/(^|\/)node_modules\/fflate\/esm\/browser\.js$/)).toHaveLength(1);
      // ws maps itself to a throwing stub for browsers: bundling it would only fail at runtime.
      expect(inputsMatching(/(^|\/)node_modules\/ws\//)).toEqual([]);
      // Only the gateway part of discord-api-types: its REST and payload enums weigh ~200 kB.
      expect(inputsMatching(/(^|\/)node_modules\/discord-api-types\/(rest|payloads|v10)/)).toEqual(
        [],
      );
    });

    it('gets READY over the browser WebSocket, then a guild dispatch sent from Node', async () => {
      const { gateway, upgradeUrls } = running();
      const page = await openPage();
      const ready = await page.evaluate(connectInPage, clientOptions(false));
      expect(ready.userAgent).toContain('HeadlessChrome');
      expect(ready.hasNodeProcess).toBe(false);
      expect(upgradeUrls).toEqual(['/?v=10&encoding=json']);

      expect(
        gateway.server.fanOut.dispatchToGuild(GUILD_ID, {
          t: GatewayDispatchEvents.GuildUpdate,
          d: { id: GUILD_ID, name: 'renamed in Node' },
        }),
      ).toEqual({ delivered: 1, filtered: 0, dropped: 0, queued: 0 });
      await page.waitForFunction(pageHasDispatches, 2, PAGE_WAIT);

      const log = await page.evaluate(readPageLog);
      expect(log.dispatches).toEqual([
        {
          t: 'READY',
          s: 1,
          d: expect.objectContaining({
            v: 10,
            session_id: ready.sessionId,
            user: expect.objectContaining({ id: USER.id }),
            guilds: [{ id: GUILD_ID, unavailable: true }],
          }),
        },
        { t: 'GUILD_UPDATE', s: 2, d: { id: GUILD_ID, name: 'renamed in Node' } },
      ]);
      expect(log.lifecycle).toEqual([]);
    });

    it('inflates zlib-stream with the bundled fflate: READY and a ~20 kB dispatch arrive intact', async () => {
      const { gateway, upgradeUrls } = running();
      const page = await openPage();
      const { sessionId } = await page.evaluate(connectInPage, clientOptions(true));
      expect(upgradeUrls).toEqual(['/?v=10&encoding=json&compress=zlib-stream']);
      const text = largeText();
      expect(Buffer.byteLength(text)).toBeGreaterThan(20_000);

      expect(
        gateway.server.dispatchToSession(sessionId!, {
          t: GatewayDispatchEvents.GuildUpdate,
          d: { id: GUILD_ID, guild_id: GUILD_ID, description: text },
        }),
      ).toBe(2);
      await page.waitForFunction(pageHasDispatches, 2, PAGE_WAIT);

      const log = await page.evaluate(readPageLog);
      expect(log.dispatches.map(({ t, s }) => [t, s])).toEqual([
        ['READY', 1],
        ['GUILD_UPDATE', 2],
      ]);
      expect(log.dispatches[1]?.d).toEqual({ id: GUILD_ID, guild_id: GUILD_ID, description: text });
    });

    it('resumes after Node cuts its socket and sees the dispatches sent meanwhile once, in order', async () => {
      const { gateway, upgradeUrls } = running();
      const page = await openPage();
      const { sessionId } = await page.evaluate(connectInPage, clientOptions(false));
      const send = (n: number): number | undefined =>
        gateway.server.dispatchToSession(sessionId!, {
          t: GatewayDispatchEvents.GuildUpdate,
          d: { id: GUILD_ID, guild_id: GUILD_ID, n },
        });
      expect(send(2)).toBe(2);
      await page.waitForFunction(pageHasDispatches, 2, PAGE_WAIT);

      expect(gateway.cut()).toBeGreaterThanOrEqual(1);
      await vi.waitFor(() => expect(gateway.server.connectionCount).toBe(0), NODE_WAIT);
      // Same tick as the check: no socket to the page exists, so these can only arrive by replay.
      expect(send(3)).toBe(3);
      expect(send(4)).toBe(4);
      await page.waitForFunction(pageLogged, 'resumed', PAGE_WAIT);
      expect(send(6)).toBe(6);
      await page.waitForFunction(pageHasDispatches, 6, PAGE_WAIT);

      const log = await page.evaluate(readPageLog);
      expect(log.dispatches.map(({ t, s }) => [t, s])).toEqual([
        ['READY', 1],
        ['GUILD_UPDATE', 2],
        ['GUILD_UPDATE', 3],
        ['GUILD_UPDATE', 4],
        ['RESUMED', 5],
        ['GUILD_UPDATE', 6],
      ]);
      expect(log.dispatches.map(({ d }) => d).slice(1)).toEqual([
        { id: GUILD_ID, guild_id: GUILD_ID, n: 2 },
        { id: GUILD_ID, guild_id: GUILD_ID, n: 3 },
        { id: GUILD_ID, guild_id: GUILD_ID, n: 4 },
        null,
        { id: GUILD_ID, guild_id: GUILD_ID, n: 6 },
      ]);
      expect(log.lifecycle).toEqual(['close 1006', 'resumed']);
      expect(log.sessionId).toBe(sessionId);
      expect(upgradeUrls).toEqual(['/?v=10&encoding=json', '/?v=10&encoding=json']);
    });
  },
);
