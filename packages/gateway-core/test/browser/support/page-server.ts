import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Path the page imports the bundled client from. */
export const CLIENT_MODULE_PATH = '/client.js';

const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>guildkit gateway client</title>';

/** A static HTTP server on 127.0.0.1 for the browser tests. */
export interface PageServer {
  /** `http://127.0.0.1:<port>`: the page is `/`, the client module {@link CLIENT_MODULE_PATH}. */
  readonly origin: string;
  /** Closes the server and any connection the browser kept alive. */
  close(): Promise<void>;
}

/**
 * Serves an empty HTML page at `/` and `clientModule` at {@link CLIENT_MODULE_PATH}, on
 * 127.0.0.1 with a free port.
 *
 * @param clientModule - the bundled client (an ES module).
 * @returns the running server.
 */
export async function startPageServer(clientModule: string): Promise<PageServer> {
  const server = createServer((request, response) => {
    if (request.url === CLIENT_MODULE_PATH) {
      response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      response.end(clientModule);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE_HTML);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
