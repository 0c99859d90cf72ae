import { performance } from 'node:perf_hooks';
import { MESSAGE_CREATE } from '../fixtures.js';

/** The three servers compared: our gateway, raw `ws`, and Socket.IO. */
export type ServerKind = 'gateway' | 'ws' | 'socketio';

/** How the raw `ws` server writes a burst: one send per frame, or every frame of a socket corked into one write. */
export type WsVariant = 'single' | 'batched';

/** The guild every load session is a member of (and the Socket.IO room name). */
export const LOAD_GUILD_ID = String(MESSAGE_CREATE.guild_id);

/** GUILD_MESSAGES | MESSAGE_CONTENT: every session gets the full message, the same bytes as the peers. */
export const LOAD_INTENTS = (1 << 9) | (1 << 15);

/** The privileged intent the bench grants every user. */
export const MESSAGE_CONTENT_INTENT = 1 << 15;

/**
 * What a client looks for in a frame: the send time travels in `nonce` (a string of
 * milliseconds on the shared `performance.timeOrigin + performance.now()` clock), so a client
 * finds it with one `Buffer.indexOf` instead of parsing the frame.
 */
export const NONCE_MARKER = Buffer.from('"nonce":"');

/** @returns the send time on the clock both processes share (ms since the epoch, sub-ms precision). */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/** @returns the MESSAGE_CREATE every server sends, stamped with the send time. */
export function stampedMessage(): typeof MESSAGE_CREATE {
  return { ...MESSAGE_CREATE, nonce: sharedNow().toFixed(3) };
}

/** Memory of the server process after a full GC. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
}

/** Event-loop delay of the server over one phase, in ms. */
export interface LoopDelay {
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Orchestrator -> server. */
export type ServerCommand =
  | { readonly type: 'count' }
  | { readonly type: 'memory' }
  | {
      readonly type: 'send';
      readonly id: number;
      readonly messages: number;
      readonly variant: WsVariant;
    }
  | { readonly type: 'loopDelay'; readonly action: 'start' | 'stop' };

/** Server -> orchestrator. */
export type ServerReport =
  | { readonly type: 'listening'; readonly port: number; readonly baseline: MemorySample }
  | { readonly type: 'count'; readonly sessions: number }
  | { readonly type: 'memory'; readonly sample: MemorySample }
  | { readonly type: 'sent'; readonly id: number; readonly sendMs: number }
  | { readonly type: 'loopDelay'; readonly delay: LoopDelay | undefined };

/** Orchestrator -> load generator. */
export type ClientCommand =
  | { readonly type: 'await'; readonly perConnection: number }
  | { readonly type: 'sampling'; readonly on: boolean }
  | { readonly type: 'collect' }
  | { readonly type: 'stop' };

/** Load generator -> orchestrator. */
export type ClientReport =
  | { readonly type: 'progress'; readonly identified: number }
  | { readonly type: 'ready'; readonly identified: number; readonly failed: number }
  | { readonly type: 'reached'; readonly perConnection: number }
  | { readonly type: 'samples'; readonly latenciesMs: number[]; readonly closed: number };

/** What the orchestrator passes a load generator (as one JSON argument). */
export interface ClientConfig {
  readonly kind: ServerKind;
  readonly port: number;
  /** Index of this process's first connection (user ids, tokens). */
  readonly first: number;
  readonly connections: number;
  /** Source addresses, used round-robin per connection block. */
  readonly localAddresses: readonly string[];
  /** Connections per source address before moving to the next. */
  readonly perAddress: number;
  /** Handshakes in flight at once. */
  readonly concurrency: number;
  /** The process exits by itself after this long, whatever happens. */
  readonly deadlineMs: number;
}
