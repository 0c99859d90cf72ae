import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  type EventBus,
  GatewayServer,
  type GatewayServerOptions,
  type SessionStore,
} from '@guildkit/gateway-core';
import { expect } from 'vitest';
import { identify, resume, TOKEN, USER } from './harness.js';
import { type Frame, RawClient } from './raw-client.js';

export const GUILD = '81384788765712384';

/** One gateway node's shared-state pieces, each on its own backend connection. */
export interface ScaleNodeParts {
  readonly store: SessionStore;
  readonly bus: EventBus;
}

/** Opens the parts of one node; `teardown` closes every part it opened. */
export interface ScaleBackend {
  node(nodeId: string): Promise<ScaleNodeParts>;
  /** A store on its own connection, to observe what the nodes wrote. */
  observer(): Promise<SessionStore>;
  teardown(): Promise<void>;
}

/** A gateway node on its own HTTP server, whose TCP sockets the test can cut. */
export class ScaleNode {
  readonly gateway: GatewayServer;
  readonly #http: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(http: Server, gateway: GatewayServer) {
    this.#http = http;
    this.gateway = gateway;
    http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(parts: ScaleNodeParts): Promise<ScaleNode> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const options: GatewayServerOptions = {
      server: http,
      authenticate: async (token) => (token === TOKEN ? { user: USER } : null),
      guildIds: () => [GUILD],
      identifyConcurrency: false,
      drainTimeoutMs: 200,
      sessionStore: parts.store,
      eventBus: parts.bus,
    };
    const gateway = new GatewayServer(options);
    await gateway.listen();
    return new ScaleNode(http, gateway);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.gateway.address()?.port ?? 0}/?v=10&encoding=json`;
  }

  /** Cuts every TCP connection without a close frame, as a dead node or network would. */
  cutSockets(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.cutSockets();
    await this.gateway.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}

/** A MESSAGE_CREATE by the bot itself (so its content is never stripped). */
export function message(n: number): { t: string; d: unknown } {
  return {
    t: 'MESSAGE_CREATE',
    d: {
      id: String(n),
      channel_id: '2',
      guild_id: GUILD,
      author: { id: USER.id },
      mentions: [],
      content: `m${n}`,
    },
  };
}

/** The next non-ACK frame, or a rejection after `ms`. */
export async function nextFrame(client: RawClient, ms = 5_000): Promise<Frame> {
  let cancel: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`no frame within ${ms} ms`)), ms);
    cancel = () => clearTimeout(timer);
  });
  try {
    return await Promise.race([client.nextDispatch(), timeout]);
  } finally {
    cancel?.();
  }
}

/** Reads dispatches until `count` MESSAGE_CREATEs arrived; returns [content, s] pairs. */
export async function readMessages(
  client: RawClient,
  count: number,
  stage = '',
): Promise<{ contents: string[]; seqs: number[] }> {
  const contents: string[] = [];
  const seqs: number[] = [];
  while (contents.length < count) {
    const frame = await nextFrame(client).catch((error: unknown) => {
      throw new Error(
        `${stage} after ${contents.length} of ${count} messages (seqs ${seqs.join(',')}): ${String(error)}`,
      );
    });
    expect(frame.op).toBe(0);
    seqs.push(frame.s as number);
    if (frame.t === 'MESSAGE_CREATE') contents.push((frame.d as { content: string }).content);
  }
  return { contents, seqs };
}

export async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Test 1/2: a client identifies on A, its TCP connection is cut, dispatches go on (published on
 * B, held by A's detached session), it RESUMEs on B with its last seq and gets exactly the
 * missed ones, then new ones. Seqs contiguous, nothing repeated. With `staleNode`, A stays up
 * and publishes the new ones, so its stale copy of the session must be fenced off by the store;
 * without, A is stopped first and B publishes them.
 */
export async function resumeOnAnotherNode(
  backend: ScaleBackend,
  options: { readonly staleNode: boolean },
): Promise<void> {
  const a = await ScaleNode.start(await backend.node('node-a'));
  const b = await ScaleNode.start(await backend.node('node-b'));
  const observer = await backend.observer();
  const clients: RawClient[] = [];
  try {
    const first = new RawClient(a.url);
    clients.push(first);
    expect((await nextFrame(first)).op).toBe(10);
    first.send(identify());
    const ready = await nextFrame(first);
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1 });
    const sessionId = (ready.d as { session_id: string }).session_id;

    for (let n = 1; n <= 5; n++) b.gateway.fanOut.dispatchToGuild(GUILD, message(n));
    const before = await readMessages(first, 5, 'before');
    expect(before.contents).toEqual(range(1, 5).map((n) => `m${n}`));
    expect(before.seqs).toEqual(range(2, 6));

    a.cutSockets();
    await first.closed;
    for (let n = 6; n <= 10; n++) b.gateway.fanOut.dispatchToGuild(GUILD, message(n));
    await until(async () => (await observer.load(sessionId))?.lastSeq === 11);

    const second = new RawClient(b.url);
    clients.push(second);
    expect((await nextFrame(second)).op).toBe(10);
    second.send(resume(sessionId, 6));
    const missed = await readMessages(second, 5, 'missed');
    expect(missed.contents).toEqual(range(6, 10).map((n) => `m${n}`));
    expect(missed.seqs).toEqual(range(7, 11));
    expect(await nextFrame(second)).toMatchObject({ op: 0, t: 'RESUMED', s: 12 });

    if (!options.staleNode) await a.stop();
    const publisher = options.staleNode ? a : b;
    for (let n = 11; n <= 15; n++) publisher.gateway.fanOut.dispatchToGuild(GUILD, message(n));
    const after = await readMessages(second, 5, 'after');
    expect(after.contents).toEqual(range(11, 15).map((n) => `m${n}`));
    expect(after.seqs).toEqual(range(13, 17));
    // Nothing more arrives (A's stale copy, if any, was fenced off) and the store agrees.
    await expect(nextFrame(second, 300)).rejects.toThrow('no frame');
    expect((await observer.load(sessionId))?.lastSeq).toBe(17);
  } finally {
    for (const client of clients) client.socket.terminate();
    await Promise.all([a.stop(), b.stop()]);
    await observer.close();
    await backend.teardown();
  }
}

/** A client on B receives `count` messages dispatched on A, in order, seqs contiguous. */
export async function streamAcrossNodes(backend: ScaleBackend, count: number): Promise<void> {
  const a = await ScaleNode.start(await backend.node('node-a'));
  const b = await ScaleNode.start(await backend.node('node-b'));
  const client = new RawClient(b.url);
  try {
    expect((await nextFrame(client)).op).toBe(10);
    client.send(identify());
    expect(await nextFrame(client)).toMatchObject({ t: 'READY', s: 1 });
    for (let n = 1; n <= count; n++) a.gateway.fanOut.dispatchToGuild(GUILD, message(n));
    const { contents, seqs } = await readMessages(client, count);
    expect(contents).toEqual(range(1, count).map((n) => `m${n}`));
    expect(seqs).toEqual(range(2, count + 1));
  } finally {
    client.socket.terminate();
    await Promise.all([a.stop(), b.stop()]);
    await backend.teardown();
  }
}
