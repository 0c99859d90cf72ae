import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SessionStore } from '@guildkit/gateway-core';
import { expect } from 'vitest';
import { identify, resume } from './harness.js';
import { type Frame, RawClient } from './raw-client.js';
import type { ConfiguredScaleBackend, ScaleBackendConfig } from './scale-backends.js';
import { GUILD, message, ScaleNode } from './scale-scenario.js';

/** What test/support/sigkill-node.ts reads, as JSON, from `argv[2]`. */
export type SigkillNodeConfig = ScaleBackendConfig & {
  readonly nodeId: string;
  readonly guildId: string;
};

/** Figures of one run, per client. */
export interface SigkillOutcome {
  /** The last seq each client received from node A before it was killed. */
  readonly lastSeenOnA: readonly number[];
  /** How many frames node A had stored but not sent, replayed by node B. */
  readonly replayed: readonly number[];
}

const NODE_PROGRAM = fileURLToPath(new URL('./sigkill-node.ts', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Messages each client must have from node A before it is killed. */
const BEFORE_KILL = 50;
/** Node B's messages after the resume are numbered from here on, above anything A sent. */
const AFTER_RESUME_BASE = 1_000_000;
const AFTER_RESUME_COUNT = 5;
/** WebSocket close code of a connection that ended without a close frame. */
const ABNORMAL_CLOSURE = 1006;

/** A RawClient that records every frame with its exact text, as the server sent it. */
class RecordingClient {
  readonly client: RawClient;
  readonly frames: { readonly text: string; readonly frame: Frame }[] = [];

  constructor(url: string) {
    this.client = new RawClient(url);
    this.client.socket.on('message', (data: Buffer) => {
      const text = String(data);
      this.frames.push({ text, frame: JSON.parse(text) as Frame });
    });
  }

  get dispatches(): { readonly text: string; readonly frame: Frame }[] {
    return this.frames.filter(({ frame }) => frame.op === 0);
  }

  /** The `m<n>` numbers of the MESSAGE_CREATEs received. */
  get messages(): number[] {
    return this.dispatches
      .filter(({ frame }) => frame.t === 'MESSAGE_CREATE')
      .map(({ frame }) => Number((frame.d as { content: string }).content.slice(1)));
  }

  has(op: number, t?: string): boolean {
    return this.frames.some(({ frame }) => frame.op === op && (t === undefined || frame.t === t));
  }

  describe(): string {
    return this.frames
      .map(({ frame }) => `${frame.op}/${frame.t ?? '-'}/${frame.s ?? '-'}`)
      .join(' ');
  }
}

async function waitFor(what: () => string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Node A: its process and the port it printed. */
function spawnNode(config: SigkillNodeConfig): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(
    process.execPath,
    ['--conditions=guildkit-source', '--import', 'tsx', NODE_PROGRAM, JSON.stringify(config)],
    { cwd: PACKAGE_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node A did not listen within 20 s')), 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node A exited (${String(code ?? signal)}) before listening`));
    });
    if (child.stdout === null) throw new Error('node A has no stdout');
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return { child, port };
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Connects, identifies and returns the session id of READY (s = 1). */
async function identifyOn(recording: RecordingClient): Promise<string> {
  await waitFor(
    () => `HELLO, got ${recording.describe()}`,
    () => recording.has(10),
  );
  recording.client.send(identify());
  await waitFor(
    () => `READY, got ${recording.describe()}`,
    () => recording.has(0, 'READY'),
  );
  const [ready] = recording.dispatches;
  if (ready === undefined) throw new Error('READY was recorded but is not a dispatch');
  expect(ready.frame).toMatchObject({ op: 0, t: 'READY', s: 1 });
  return (ready.frame.d as { session_id: string }).session_id;
}

/** One client's session on node A, and what the store held for it right after A died. */
interface HeldSession {
  readonly sessionId: string;
  readonly onA: RecordingClient;
  readonly lastSeenOnA: number;
  /** The stored state's `lastSeq`. */
  readonly storeLastSeq: number | undefined;
  /** How many frames `since(lastSeenOnA)` returned, or `'none'` for `undefined`. */
  readonly replayable: number | 'none';
}

async function heldAtKill(
  store: SessionStore,
  sessionId: string,
  onA: RecordingClient,
): Promise<HeldSession> {
  const lastSeenOnA = onA.dispatches.length;
  const [state, missed] = await Promise.all([
    store.load(sessionId),
    store.since(sessionId, lastSeenOnA),
  ]);
  return {
    sessionId,
    onA,
    lastSeenOnA,
    storeLastSeq: state?.lastSeq,
    replayable: missed?.length ?? 'none',
  };
}

/** The store's figures next to B's answer, as one comparable row per client. */
function evidence(held: HeldSession, onB: RecordingClient): Record<string, unknown> {
  const { lastSeenOnA, storeLastSeq, replayable } = held;
  const answerOnB = onB.has(9) ? 'INVALID_SESSION' : 'RESUMED';
  return { lastSeenOnA, storeLastSeq, replayable, answerOnB };
}

/** The row {@link evidence} must give: A stored all it sent, the store replays the rest. */
function expectedEvidence(held: HeldSession): Record<string, unknown> {
  const storeLastSeq = Math.max(held.lastSeenOnA, held.storeLastSeq ?? 0);
  return {
    lastSeenOnA: held.lastSeenOnA,
    storeLastSeq,
    replayable: storeLastSeq - held.lastSeenOnA,
    answerOnB: 'RESUMED',
  };
}

/**
 * One client's whole story against the store's log of its session: the dispatches received
 * on A then on B are exactly the stored frames 1..end, verbatim and in order (so seqs are
 * contiguous and nothing the store holds was lost or repeated); B replayed what A had stored
 * after the client's last seq and claimed the session right after it; the messages are m1..
 * up to the last one A stored, then B's new ones.
 */
async function checkClient(
  store: SessionStore,
  session: HeldSession,
  onB: RecordingClient,
): Promise<void> {
  const { onA, sessionId } = session;
  const storeLastSeq = session.storeLastSeq ?? 0;
  const received = [...onA.dispatches, ...onB.dispatches];
  const seqs = received.map(({ frame }) => frame.s);
  expect(seqs, 'seqs across both nodes').toEqual(range(1, received.length));
  const resumedAt = onB.dispatches.findIndex(({ frame }) => frame.t === 'RESUMED');
  expect(resumedAt, 'frames B replayed before RESUMED').toBe(storeLastSeq - onA.dispatches.length);
  expect(onB.dispatches[resumedAt]?.frame.s, 'RESUMED seq').toBe(storeLastSeq + 1);
  expect([...onA.messages, ...onB.messages], 'message contents').toEqual([
    ...range(1, storeLastSeq - 1),
    ...range(AFTER_RESUME_BASE + 1, AFTER_RESUME_BASE + AFTER_RESUME_COUNT),
  ]);
  const log = await store.since(sessionId, 0);
  expect(
    received.map(({ text }) => text),
    'frames equal the store log',
  ).toEqual(log);
}

/**
 * Node A runs in a child process, `clientCount` clients identify on it and it streams
 * MESSAGE_CREATEs to their guild; once each client has {@link BEFORE_KILL} of them, A gets
 * SIGKILL. The clients' sockets drop (1006). Right then the store must hold every frame its
 * state names after each client's last seq (A stored at least what it sent). Each client
 * RESUMEs on node B (in this process, on its own connections to the same backend) with its
 * last seq, gets what A stored after it and RESUMED, then B's new messages; see `checkClient`
 * for what must hold per client.
 */
export async function resumeAfterSigkill(
  backend: ConfiguredScaleBackend,
  clientCount: number,
): Promise<SigkillOutcome> {
  const b = await ScaleNode.start(await backend.node('node-b'));
  const observer = await backend.observer();
  const a = spawnNode({ ...backend.config, nodeId: 'node-a', guildId: GUILD });
  const sockets: RawClient[] = [];
  const connect = (url: string): RecordingClient => {
    const recording = new RecordingClient(url);
    sockets.push(recording.client);
    return recording;
  };
  try {
    const port = await a.port;
    const onA = Array.from({ length: clientCount }, () =>
      connect(`ws://127.0.0.1:${port}/?v=10&encoding=json`),
    );
    const identified = await Promise.all(
      onA.map(async (recording) => ({ recording, sessionId: await identifyOn(recording) })),
    );

    a.child.stdin?.write('go\n');
    await waitFor(
      () => `${BEFORE_KILL} messages each, got ${onA.map((c) => c.messages.length).join(',')}`,
      () => onA.every((c) => c.messages.length >= BEFORE_KILL),
    );
    expect(a.child.kill('SIGKILL')).toBe(true);
    expect(await exited(a.child)).toBe('SIGKILL');
    for (const recording of onA)
      expect((await recording.client.closed).code).toBe(ABNORMAL_CLOSURE);
    const held = await Promise.all(
      identified.map(({ recording, sessionId }) => heldAtKill(observer, sessionId, recording)),
    );

    const resumed: { session: HeldSession; onB: RecordingClient }[] = [];
    for (const session of held) {
      const onB = connect(b.url);
      resumed.push({ session, onB });
      await waitFor(
        () => `HELLO on B, got ${onB.describe()}`,
        () => onB.has(10),
      );
      onB.client.send(resume(session.sessionId, session.lastSeenOnA));
    }
    await waitFor(
      () => `RESUMED on B, got ${resumed.map(({ onB }) => onB.describe()).join(' | ')}`,
      () => resumed.every(({ onB }) => onB.has(0, 'RESUMED') || onB.has(9)),
    );
    // One row per client, so a failure shows what the store held next to B's answer.
    expect(
      resumed.map(({ session, onB }) => evidence(session, onB)),
      'store right after the kill, and the answer to RESUME on B, per client',
    ).toEqual(resumed.map(({ session }) => expectedEvidence(session)));

    for (let n = 1; n <= AFTER_RESUME_COUNT; n++)
      b.gateway.fanOut.dispatchToGuild(GUILD, message(AFTER_RESUME_BASE + n));
    await waitFor(
      () => `B's messages, got ${resumed.map(({ onB }) => onB.describe()).join(' | ')}`,
      () =>
        resumed.every(({ onB }) => onB.messages.includes(AFTER_RESUME_BASE + AFTER_RESUME_COUNT)),
    );
    // Nothing late (a stale or repeated frame) may follow.
    await new Promise((resolve) => setTimeout(resolve, 200));

    for (const { session, onB } of resumed) await checkClient(observer, session, onB);
    return {
      lastSeenOnA: held.map((h) => h.lastSeenOnA),
      replayed: held.map((h) => (h.storeLastSeq ?? 0) - h.lastSeenOnA),
    };
  } finally {
    for (const socket of sockets) socket.socket.terminate();
    a.child.kill('SIGKILL');
    await exited(a.child);
    await b.stop();
    await backend.teardown();
  }
}
