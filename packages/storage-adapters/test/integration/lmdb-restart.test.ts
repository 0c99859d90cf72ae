import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LmdbMessageStore } from '@guildkit/storage-adapters/lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_CHANNEL, fixtureMessage } from '../support/lmdb-fixture.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const writerScript = fileURLToPath(new URL('../support/lmdb-writer.ts', import.meta.url));

/** Starts the writer; resolves with it and the acknowledged indexes seen so far (kept updated). */
function startWriter(path: string, inFlight: number): { child: ChildProcess; acked: number[] } {
  const child = spawn(
    process.execPath,
    ['--conditions=guildkit-source', '--import', 'tsx', writerScript, path, String(inFlight)],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const acked: number[] = [];
  if (child.stdout === null) throw new Error('writer has no stdout');
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^ack (\d+)$/.exec(line);
    if (match?.[1] !== undefined) acked.push(Number(match[1]));
  });
  return { child, acked };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode);
  }
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

describe('LmdbMessageStore durability', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'guildkit-lmdb-restart-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const inFlight of [1, 16]) {
    it(`keeps every acknowledged create after SIGKILL mid-stream (${inFlight} in flight)`, async () => {
      const { child, acked } = startWriter(dir, inFlight);
      try {
        await waitFor(() => acked.length >= 300, 20_000);
        expect(child.kill('SIGKILL')).toBe(true);
        expect(await exited(child)).toBe('SIGKILL');
      } finally {
        child.kill('SIGKILL');
      }
      // The writer was still going: killed between writes, not after a clean finish.
      expect(acked.length).toBeGreaterThanOrEqual(300);

      const store = await LmdbMessageStore.open({ path: dir });
      try {
        for (const index of acked) {
          const expected = fixtureMessage(index);
          await expect(store.get(FIXTURE_CHANNEL, expected.id)).resolves.toEqual({
            id: expected.id,
            channelId: FIXTURE_CHANNEL,
            authorId: expected.authorId,
            content: expected.content,
            embeds: expected.embeds,
            editedTimestamp: null,
            pinned: false,
          });
        }
        // History stays a contiguous, ordered prefix of what was written (no torn records).
        const newest = await store.list(FIXTURE_CHANNEL, { limit: 100 });
        const ids = newest.map((message) => BigInt(message.id));
        expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
        expect(ids.length).toBe(100);
      } finally {
        await store.close();
      }
    });
  }

  it('reopens a cleanly closed store with messages, edits, reactions and pins intact', async () => {
    const clock = { now: () => Date.parse('2024-05-01T12:00:00.000Z') };
    const first = await LmdbMessageStore.open({ path: dir, clock });
    const [a, b, c] = [fixtureMessage(0), fixtureMessage(1), fixtureMessage(2)];
    for (const message of [a, b, c]) await first.create(message);
    await first.edit(FIXTURE_CHANNEL, b.id, { content: 'edited' });
    await first.addReaction(FIXTURE_CHANNEL, a.id, '🔥', '20');
    await first.addReaction(FIXTURE_CHANNEL, a.id, 'blobwave:396521773', '10');
    await first.addReaction(FIXTURE_CHANNEL, a.id, '🔥', '10');
    await first.pin(FIXTURE_CHANNEL, c.id);
    await first.delete(FIXTURE_CHANNEL, a.id);
    await first.close();
    await expect(first.get(FIXTURE_CHANNEL, b.id)).rejects.toMatchObject({
      code: 'GK_STORAGE_CLOSED',
    });

    const second = await LmdbMessageStore.open({ path: dir });
    try {
      await expect(second.list(FIXTURE_CHANNEL)).resolves.toEqual([
        { ...c, embeds: [], editedTimestamp: null, pinned: true },
        { ...b, content: 'edited', editedTimestamp: '2024-05-01T12:00:00.000Z', pinned: false },
      ]);
      await expect(second.get(FIXTURE_CHANNEL, a.id)).resolves.toBeNull();
      await expect(second.listPins(FIXTURE_CHANNEL)).resolves.toMatchObject([{ id: c.id }]);
      // a was deleted with its reactions: recreating it starts with none.
      await second.create(a);
      await expect(second.reactionCounts(FIXTURE_CHANNEL, a.id)).resolves.toEqual([]);
      await expect(second.listReactors(FIXTURE_CHANNEL, a.id, '🔥')).resolves.toEqual([]);
    } finally {
      await second.close();
    }
  });
});
