import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  type AuthenticatedUser,
  GatewayServer,
  type GatewayServerOptions,
  prepareDispatch,
} from '@guildkit/gateway-core';
import { GatewayClient, type GatewayClientOptions } from '@guildkit/gateway-core/client';
import { WebSocket } from 'ws';
import { USER } from '../../support/harness.js';

export const TOKEN = 'live-token';

/**
 * A real {@link GatewayServer} on 127.0.0.1 (port 0) attached to an HTTP server whose TCP
 * sockets the test can cut, plus the clients connected to it.
 */
export class LiveGateway {
  readonly http: Server;
  readonly server: GatewayServer;
  readonly #sockets = new Set<Socket>();
  readonly #clients: GatewayClient[] = [];
  #url = '';

  constructor(extra: Partial<GatewayServerOptions> = {}) {
    this.http = createServer();
    this.http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.server = new GatewayServer({
      server: this.http,
      host: '127.0.0.1',
      port: 0,
      authenticate: async (token): Promise<AuthenticatedUser | null> =>
        token === TOKEN ? { user: USER } : null,
      ...extra,
    });
  }

  async start(): Promise<void> {
    const { port } = await this.server.listen();
    this.#url = `ws://127.0.0.1:${port}`;
  }

  /** A client of this gateway over `ws`, with a fast backoff unless overridden. */
  client(extra: Partial<GatewayClientOptions> = {}): GatewayClient {
    const client = new GatewayClient({
      url: this.#url,
      token: TOKEN,
      intents: 513,
      WebSocket,
      backoff: { baseMs: 50, maxMs: 200 },
      ...extra,
    });
    this.#clients.push(client);
    return client;
  }

  /** Destroys every TCP socket from the server side, as a network failure would. */
  cut(): number {
    const count = this.#sockets.size;
    for (const socket of this.#sockets) socket.destroy();
    return count;
  }

  /** Sends one TYPING_START to the session; returns its seq (or `undefined` without a session). */
  dispatch(sessionId: string, n: number): number | undefined {
    return this.server.dispatchToSession(sessionId, prepareDispatch('TYPING_START', { n }));
  }

  async stop(): Promise<void> {
    for (const client of this.#clients.splice(0)) client.destroy();
    await this.server.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Waits for one emission of a client event, or fails after `timeoutMs`. */
export function nextEvent<K extends 'ready' | 'resumed' | 'close' | 'reconnecting'>(
  client: GatewayClient,
  event: K,
  timeoutMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
