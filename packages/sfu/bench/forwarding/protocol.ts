/**
 * Messages between the forwarding bench (the parent, hosting the SFU) and its client process
 * (the child, hosting the werift client peers), over `child_process` IPC.
 */

/** Opus sends one packet per 20 ms per speaker. */
export const PACKET_INTERVAL_MS = 20;

/** The WebRTC stack a bench participant runs on. */
export type ClientStack = 'werift' | 'libdatachannel';

/** One speaker of a run and how many participants hear it. */
export interface RunStream {
  readonly speakerId: string;
  readonly listeners: number;
}

/** Parent → child. */
export type ParentMessage =
  | {
      readonly type: 'answer';
      readonly id: string;
      readonly offer: string;
      readonly stack: ClientStack;
    }
  | { readonly type: 'connected'; readonly ids: readonly string[] }
  | {
      readonly type: 'run';
      readonly streams: readonly RunStream[];
      readonly seconds: number;
      readonly drainMs: number;
    }
  | { readonly type: 'direct'; readonly seconds: number; readonly drainMs: number }
  | { readonly type: 'close'; readonly ids: readonly string[] };

/** What the client process measured over one sending window. */
export interface RunResult {
  /** Packets the speakers sent inside the window. */
  readonly sent: number;
  /** Packets the listeners would receive without loss: each sent packet times its listeners. */
  readonly expected: number;
  /** Packets sent inside the window that arrived before the drain ended. */
  readonly delivered: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The client process's CPU time over the window, user + system. */
  readonly clientCpuMicros: number;
  /** The client process's event-loop delay over the window, p99. */
  readonly clientLoopDelayP99Ms: number;
  readonly windowMs: number;
}

/** Child → parent. */
export type ChildMessage =
  | { readonly type: 'answer'; readonly id: string; readonly answer: string }
  | { readonly type: 'connected' }
  | { readonly type: 'window'; readonly phase: 'start' | 'end' }
  | { readonly type: 'result'; readonly result: RunResult }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string };
