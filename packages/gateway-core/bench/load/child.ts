import { type ChildProcess, execFile, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** A forked bench process and typed waits on its IPC messages. */
export class BenchChild<Command, Report extends { readonly type: string }> {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;

  /**
   * @param script - the module next to this one to run (e.g. `server-process.ts`).
   * @param args - its argv.
   * @param nodeFlags - extra V8/Node flags, on top of this process's loader flags (tsx).
   */
  constructor(script: string, args: readonly string[], nodeFlags: readonly string[]) {
    const inherited = process.execArgv.some((flag) => flag.includes('tsx'))
      ? process.execArgv
      : [...process.execArgv, '--import', 'tsx'];
    this.process = fork(fileURLToPath(new URL(script, import.meta.url)), [...args], {
      execArgv: [...inherited, ...nodeFlags],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  /** Sends a command (dropped when the child is gone). */
  send(command: Command): void {
    if (this.process.connected) this.process.send(command as object);
  }

  /**
   * Waits for the first report that `match` accepts.
   *
   * @throws Error when the child exits first or `timeoutMs` passes.
   */
  waitFor<T extends Report>(
    match: (report: Report) => report is T,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
      };
      const onMessage = (message: unknown): void => {
        const report = message as Report;
        if (!match(report)) return;
        done();
        resolve(report);
      };
      const onExit = (code: number | null): void => {
        done();
        reject(new Error(`the process exited (code ${String(code)}) while waiting for ${what}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.process.on('message', onMessage);
      this.process.once('exit', onExit);
    });
  }

  /** Calls `listener` for every report of one type. */
  onReport<T extends Report['type']>(
    type: T,
    listener: (report: Extract<Report, { type: T }>) => void,
  ): void {
    this.process.on('message', (message: unknown) => {
      const report = message as Report;
      if (report.type === type) listener(report as Extract<Report, { type: T }>);
    });
  }

  /** Kills the child (if still running) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null)
      this.process.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * Tries to give a child `wanted` file descriptors (`prlimit`, which needs CAP_SYS_RESOURCE to
 * go past the hard limit), then reads what it got.
 *
 * @returns the child's soft `RLIMIT_NOFILE` in effect.
 */
export async function raiseFdLimit(pid: number, wanted: number): Promise<number> {
  const prlimit = (limit: number): Promise<void> =>
    new Promise((resolve) =>
      execFile('prlimit', [`--pid=${pid}`, `--nofile=${limit}:${limit}`], () => resolve()),
    );
  await prlimit(wanted);
  const { soft, hard } = await readFdLimits(`/proc/${pid}/limits`);
  if (soft >= wanted || soft >= hard || !Number.isFinite(hard)) return soft;
  await prlimit(hard);
  return (await readFdLimits(`/proc/${pid}/limits`)).soft;
}

/** @returns this machine's open-file limits for a new process (from this process's). */
export async function readFdLimits(
  path = '/proc/self/limits',
): Promise<{ soft: number; hard: number }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(text);
  const parse = (value: string | undefined): number =>
    value === undefined || value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
  return { soft: parse(match?.[1]), hard: parse(match?.[2]) };
}
