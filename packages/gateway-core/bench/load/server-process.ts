/**
 * The server side of the load bench, one process per server kind (argv[2]; for a gateway node
 * of several, argv[3] is its node id and argv[4] the NATS subject prefix of their bus): listens on
 * 127.0.0.1, answers the orchestrator's IPC commands (count sessions, measure memory after
 * GC, send a burst of stamped MESSAGE_CREATEs to everyone, measure event-loop delay) and exits
 * when its IPC channel closes. Needs `--expose-gc`.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { GatewayServer } from '@guildkit/gateway-core';
import { NatsEventBus } from '@guildkit/gateway-core/nats';
import { connect } from 'nats';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocket, WebSocketServer } from 'ws';
import {
  LOAD_GUILD_ID,
  MESSAGE_CONTENT_INTENT,
  type MemorySample,
  type ServerCommand,
  type ServerKind,
  type ServerReport,
  stampedMessage,
  type WsVariant,
} from './protocol.js';

/** One server under test, behind the operations the bench needs. */
interface LoadTarget {
  listen(): Promise<number>;
  sessions(): number;
  /** Sends `messages` stamped messages to every session, synchronously. */
  send(messages: number, variant: WsVariant): void;
}

/** The cork/uncork pair of the TCP socket under a `ws` socket (not part of ws's typings). */
interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

function report(message: ServerReport): void {
  process.send?.(message);
}

async function collectGarbage(): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the load server needs --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

function listenOn(http: HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port));
  });
}

/** Node `nodeId` of several sharing guild events over the machine's NATS, or one alone. */
async function gatewayBus(): Promise<NatsEventBus | undefined> {
  const [nodeId, subjectPrefix] = process.argv.slice(3);
  if (nodeId === undefined || subjectPrefix === undefined) return undefined;
  const connection = await connect({ servers: '127.0.0.1:4222' });
  return new NatsEventBus({ connection, nodeId, subjectPrefix });
}

async function gatewayTarget(): Promise<LoadTarget> {
  const eventBus = await gatewayBus();
  // GUILDKIT_LOAD_SLICE overrides the fan-out's slice size (sessions per macrotask).
  const slice = Number(process.env['GUILDKIT_LOAD_SLICE']);
  const sliceSize = Number.isSafeInteger(slice) && slice > 0 ? slice : undefined;
  const server = new GatewayServer({
    host: '127.0.0.1',
    port: 0,
    identifyConcurrency: false,
    authenticate: async (token) => {
      const id = String(1_000_000 + Number(token.slice('Bot load-'.length)));
      return {
        user: { id, username: `load${id}`, discriminator: '0', global_name: null, avatar: null },
      };
    },
    guildIds: () => [LOAD_GUILD_ID],
    grantedPrivilegedIntents: () => MESSAGE_CONTENT_INTENT,
    ...(sliceSize === undefined ? {} : { fanOut: { sliceSize } }),
    ...(eventBus === undefined ? {} : { eventBus }),
  });
  return {
    listen: async () => (await server.listen()).port,
    sessions: () => server.fanOut.size,
    send: (messages) => {
      for (let i = 0; i < messages; i++)
        server.fanOut.dispatchToGuild(LOAD_GUILD_ID, { t: 'MESSAGE_CREATE', d: stampedMessage() });
    },
  };
}

function wsTarget(): LoadTarget {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let seq = 0;
  // The gateway's frame layout, serialized once per message: the same bytes for every socket.
  const frame = (): Buffer =>
    Buffer.from(
      JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s: ++seq, d: stampedMessage() }),
      'utf8',
    );
  return {
    listen: () => listenOn(http),
    sessions: () => sockets.size,
    send: (messages, variant) => {
      const frames = Array.from({ length: messages }, frame);
      if (variant === 'single') {
        for (const data of frames)
          for (const socket of sockets)
            if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: false });
        return;
      }
      for (const socket of sockets) {
        if (socket.readyState !== WebSocket.OPEN) continue;
        const tcp = (socket as unknown as { _socket: CorkableSocket })._socket;
        tcp.cork();
        for (const data of frames) socket.send(data, { binary: false });
        tcp.uncork();
      }
    },
  };
}

function socketIoTarget(): LoadTarget {
  const http = createServer();
  const io = new SocketIoServer(http, { transports: ['websocket'], serveClient: false });
  io.on('connection', (socket) => {
    void socket.join(LOAD_GUILD_ID);
  });
  return {
    listen: () => listenOn(http),
    sessions: () => io.of('/').adapter.rooms.get(LOAD_GUILD_ID)?.size ?? 0,
    send: (messages) => {
      for (let i = 0; i < messages; i++) io.to(LOAD_GUILD_ID).emit('m', stampedMessage());
    },
  };
}

async function createTarget(kind: ServerKind): Promise<LoadTarget> {
  if (kind === 'gateway') return gatewayTarget();
  if (kind === 'ws') return wsTarget();
  return socketIoTarget();
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  const target = await createTarget(kind);
  let histogram: IntervalHistogram | undefined;
  process.on('message', (command: ServerCommand) => {
    switch (command.type) {
      case 'count':
        report({ type: 'count', sessions: target.sessions() });
        return;
      case 'memory':
        void collectGarbage().then((sample) => report({ type: 'memory', sample }));
        return;
      case 'send': {
        const start = performance.now();
        target.send(command.messages, command.variant);
        report({ type: 'sent', id: command.id, sendMs: performance.now() - start });
        return;
      }
      case 'loopDelay':
        if (command.action === 'start') {
          histogram = monitorEventLoopDelay({ resolution: 5 });
          histogram.enable();
          return;
        }
        histogram?.disable();
        report({
          type: 'loopDelay',
          delay:
            histogram === undefined
              ? undefined
              : { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 },
        });
        histogram = undefined;
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
  const baseline = await collectGarbage();
  const port = await target.listen();
  report({ type: 'listening', port, baseline });
}

await main();
