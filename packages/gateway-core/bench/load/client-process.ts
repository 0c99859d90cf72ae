/**
 * The load generator: a separate process that opens `connections` raw `ws` clients to one
 * server (argv[2] is a JSON {@link ClientConfig}), spread over several 127.0.0.x source
 * addresses, and brings each to its identified state: IDENTIFY -> READY for the gateway (and
 * heartbeats at HELLO's interval), the socket open for raw `ws`, the Engine.IO/Socket.IO
 * handshake (`0{..}` -> `40` -> `40{..}`, pings answered) for Socket.IO. Every frame carrying
 * the nonce marker counts as a delivery and, while sampling, yields one latency sample (now
 * minus the send time in the nonce). Reports over IPC; exits on `stop`, when the IPC channel
 * closes, or at its deadline.
 */
import { WebSocket } from 'ws';
import {
  type ClientCommand,
  type ClientConfig,
  type ClientReport,
  LOAD_INTENTS,
  NONCE_MARKER,
  sharedNow,
} from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const QUOTE = 0x22;

function report(message: ClientReport): void {
  process.send?.(message);
}

/** Deliveries received by every connection of this process. */
let deliveries = 0;
let sampling = true;
let latencies: number[] = [];
let closedAfterReady = 0;
/** Deliveries per connection the orchestrator waits for, oldest first. */
const awaiting: number[] = [];
const open = new Set<WebSocket>();
/** Gateway sockets and when each next heartbeats. */
const heartbeats = new Map<WebSocket, { intervalMs: number; dueAt: number }>();

function checkAwaited(): void {
  while (awaiting.length > 0 && deliveries >= awaiting[0]! * open.size) {
    report({ type: 'reached', perConnection: awaiting.shift()! });
  }
}

function onDelivery(data: Buffer, at: number): void {
  const start = data.indexOf(NONCE_MARKER);
  if (start < 0) return;
  deliveries += 1;
  if (sampling) {
    const from = start + NONCE_MARKER.length;
    const sentAt = Number(data.toString('latin1', from, data.indexOf(QUOTE, from)));
    latencies.push(at - sentAt);
  }
  if (awaiting.length > 0) checkAwaited();
}

function url(): string {
  const base = `ws://127.0.0.1:${config.port}`;
  if (config.kind === 'gateway') return `${base}/?v=10&encoding=json`;
  if (config.kind === 'socketio') return `${base}/socket.io/?EIO=4&transport=websocket`;
  return `${base}/`;
}

/** Handles one handshake frame; resolves `ready` once the connection is identified. */
function handshake(socket: WebSocket, index: number, data: Buffer, ready: () => void): void {
  if (config.kind === 'socketio') {
    const text = data.toString('utf8');
    if (text.startsWith('0{')) socket.send('40');
    else if (text.startsWith('40')) ready();
    return;
  }
  const frame = JSON.parse(data.toString('utf8')) as {
    op: number;
    t?: string;
    d?: { heartbeat_interval?: number };
  };
  if (frame.op === 10) {
    const intervalMs = frame.d?.heartbeat_interval ?? 41_250;
    heartbeats.set(socket, { intervalMs, dueAt: Date.now() + intervalMs * Math.random() });
    socket.send(
      JSON.stringify({
        op: 2,
        d: {
          token: `Bot load-${config.first + index}`,
          intents: LOAD_INTENTS,
          properties: { os: 'linux', browser: 'guildkit-load', device: 'guildkit-load' },
        },
      }),
    );
  } else if (frame.op === 0 && frame.t === 'READY') ready();
}

/** Opens one connection; resolves whether it reached its identified state. */
function connect(index: number): Promise<boolean> {
  const block = Math.floor((config.first + index) / config.perAddress);
  const localAddress = config.localAddresses[block % config.localAddresses.length];
  return new Promise((resolve) => {
    const socket = new WebSocket(url(), {
      perMessageDeflate: false,
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    let identified = config.kind === 'ws';
    const ready = (): void => {
      identified = true;
      open.add(socket);
      resolve(true);
    };
    socket.on('open', () => {
      if (config.kind === 'ws') ready();
    });
    socket.on('message', (data: Buffer) => {
      const at = sharedNow();
      if (!identified) {
        handshake(socket, index, data, ready);
        return;
      }
      if (config.kind === 'socketio' && data.length === 1 && data[0] === 0x32) {
        socket.send('3');
        return;
      }
      onDelivery(data, at);
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => {
      heartbeats.delete(socket);
      if (open.delete(socket)) closedAfterReady += 1;
      resolve(false);
    });
  });
}

async function connectAll(): Promise<void> {
  let next = 0;
  let identified = 0;
  let failed = 0;
  let lastProgress = Date.now();
  const worker = async (): Promise<void> => {
    while (next < config.connections) {
      const index = next++;
      let ok = false;
      for (let attempt = 0; attempt < 3 && !ok; attempt++) ok = await connect(index);
      if (ok) identified += 1;
      else failed += 1;
      if (Date.now() - lastProgress >= 1000) {
        lastProgress = Date.now();
        report({ type: 'progress', identified });
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  report({ type: 'ready', identified, failed });
}

function heartbeatTick(): void {
  const now = Date.now();
  for (const [socket, beat] of heartbeats) {
    if (beat.dueAt > now) continue;
    beat.dueAt = now + beat.intervalMs;
    if (socket.readyState === WebSocket.OPEN) socket.send('{"op":1,"d":null}');
  }
}

process.on('message', (command: ClientCommand) => {
  switch (command.type) {
    case 'await':
      awaiting.push(command.perConnection);
      checkAwaited();
      return;
    case 'sampling':
      sampling = command.on;
      return;
    case 'collect':
      report({ type: 'samples', latenciesMs: latencies, closed: closedAfterReady });
      latencies = [];
      return;
    case 'stop':
      for (const socket of open) socket.terminate();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(2), config.deadlineMs).unref();
setInterval(heartbeatTick, 1000).unref();
await connectAll();
