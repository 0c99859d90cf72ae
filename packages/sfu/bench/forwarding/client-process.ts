import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ClientStack, ParentMessage, RunResult, RunStream } from './protocol.js';

const CHILD_ENTRY = fileURLToPath(new URL('./clients.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

interface Waiter {
  readonly match: (message: ChildMessage) => boolean;
  readonly resolve: (message: ChildMessage) => void;
  readonly reject: (error: Error) => void;
}

/** The SFU's CPU time and the wall clock at one instant. */
interface Mark {
  readonly cpu: NodeJS.CpuUsage;
  readonly at: number;
}

/** A run's client figures plus the parent's (the SFU's) CPU over the same sending window. */
export interface MeasuredRun extends RunResult {
  readonly sfuCpuMicros: number;
  /** The SFU process's event-loop delay over the window, p99. */
  readonly sfuLoopDelayP99Ms: number;
  readonly sfuWindowMs: number;
}

/**
 * @param pid - a process.
 * @param cpus - a `taskset` CPU list such as `0` or `0-1`.
 * @returns whether the process's threads now run only on `cpus`.
 */
export function pinProcess(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The parent's handle on the bench client process: starts it (on `cpu` when given, with
 * `taskset`), and turns its IPC messages into awaitable requests.
 */
export class ClientProcess {
  readonly #child: ChildProcess;
  readonly #waiters: Waiter[] = [];
  #onWindow: ((phase: 'start' | 'end') => void) | undefined;

  /** @param cpu - the CPU to pin the client process to, or `undefined` to leave it free. */
  constructor(cpu: number | undefined) {
    const node = [process.execPath, '--conditions=guildkit-source', '--import', 'tsx', CHILD_ENTRY];
    const [command = '', ...args] =
      cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
    this.#child = spawn(command, args, {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: ChildMessage) => this.#receive(message));
    this.#child.on('exit', (code) => this.#failAll(new Error(`client process exited (${code})`)));
  }

  /**
   * @param id - a new client.
   * @param offer - the SFU's offer for it.
   * @param stack - the WebRTC stack the client runs on.
   * @returns the client's answer.
   */
  async answer(id: string, offer: string, stack: ClientStack): Promise<string> {
    const reply = await this.#request(
      { type: 'answer', id, offer, stack },
      (message) => message.type === 'answer' && message.id === id,
    );
    return reply.type === 'answer' ? reply.answer : '';
  }

  /** @param ids - clients to wait for until ICE and DTLS are up. */
  async connected(ids: readonly string[]): Promise<void> {
    await this.#request({ type: 'connected', ids }, (message) => message.type === 'connected');
  }

  /**
   * Lets `streams` speak for `seconds` and measures the parent's CPU over the same window.
   *
   * @param streams - the speakers and how many hear each.
   * @param seconds - the sending window.
   * @param drainMs - how long late packets may still arrive.
   * @returns client and SFU figures.
   */
  async run(streams: readonly RunStream[], seconds: number, drainMs: number): Promise<MeasuredRun> {
    return this.#measured({ type: 'run', streams, seconds, drainMs });
  }

  /**
   * One werift peer sending straight to another inside the client process: the floor.
   *
   * @param seconds - the sending window.
   * @param drainMs - how long late packets may still arrive.
   * @returns client and SFU figures (the SFU idles).
   */
  async direct(seconds: number, drainMs: number): Promise<MeasuredRun> {
    return this.#measured({ type: 'direct', seconds, drainMs });
  }

  /** @param ids - clients to close. */
  async close(ids: readonly string[]): Promise<void> {
    await this.#request({ type: 'close', ids }, (message) => message.type === 'closed');
  }

  /** Ends the client process. */
  stop(): void {
    this.#child.disconnect();
  }

  async #measured(message: ParentMessage): Promise<MeasuredRun> {
    let start: Mark | undefined;
    let end: Mark | undefined;
    const loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
    this.#onWindow = (phase) => {
      const mark = { cpu: process.cpuUsage(), at: performance.now() };
      if (phase === 'start') {
        start = mark;
        loopDelay.enable();
      } else {
        end = mark;
        loopDelay.disable();
      }
    };
    try {
      const reply = await this.#request(message, (candidate) => candidate.type === 'result');
      if (reply.type !== 'result' || !start || !end) throw new Error('no measurement window');
      return {
        ...reply.result,
        sfuCpuMicros: end.cpu.user - start.cpu.user + (end.cpu.system - start.cpu.system),
        sfuLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        sfuWindowMs: end.at - start.at,
      };
    } finally {
      this.#onWindow = undefined;
    }
  }

  #request(message: ParentMessage, match: Waiter['match']): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match, resolve, reject });
      this.#child.send(message);
    });
  }

  #receive(message: ChildMessage): void {
    if (message.type === 'window') {
      this.#onWindow?.(message.phase);
      return;
    }
    if (message.type === 'failed') {
      this.#failAll(new Error(`client process: ${message.message}`));
      return;
    }
    const index = this.#waiters.findIndex((waiter) => waiter.match(message));
    const [waiter] = index === -1 ? [] : this.#waiters.splice(index, 1);
    waiter?.resolve(message);
  }

  #failAll(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}
