import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs the real backend with the real mediasoup in a child process, whose mediasoup reads
 * `MEDIASOUP_WORKER_BIN` when it loads; prints what start, hello and createRoom reject with.
 */
const SCRIPT = `
const { MediasoupMediaBackend } = await import('@guildkit/sfu/mediasoup');
const backend = new MediasoupMediaBackend({ workers: 2 });
const results = [];
for (const call of [() => backend.start(), () => backend.hello(), () => backend.createRoom('1')]) {
  try {
    await call();
    results.push({ resolved: true });
  } catch (error) {
    results.push({ code: error.code, message: error.message, cause: error.cause?.code });
  }
}
await backend.close();
console.log(JSON.stringify(results));
`;

interface Outcome {
  readonly code?: string;
  readonly message?: string;
  readonly cause?: string;
  readonly resolved?: true;
}

async function runWith(workerBin: string): Promise<Outcome[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=guildkit-source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    { cwd: PACKAGE_ROOT, env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBin } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as Outcome[];
}

const scratch = mkdtempSync(join(tmpdir(), 'gk-mediasoup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('MediasoupMediaBackend with the real mediasoup and no usable worker binary', () => {
  it('rejects start, hello and createRoom with GK_SFU_MEDIA_UNAVAILABLE saying how to get a worker', async () => {
    const outcomes = await runWith('/nonexistent/mediasoup-worker');
    expect(outcomes).toHaveLength(3);
    for (const outcome of outcomes) {
      expect(outcome.code).toBe('GK_SFU_MEDIA_UNAVAILABLE');
      expect(outcome.cause).toBe('ENOENT');
      expect(outcome.message).toContain(
        'mediasoup-worker not found at /nonexistent/mediasoup-worker',
      );
      expect(outcome.message).toContain('npm install-scripts approve mediasoup');
      expect(outcome.message).toContain('npm rebuild mediasoup');
      expect(outcome.message).toContain('MEDIASOUP_WORKER_BIN');
    }
  });

  it('says so when the binary exists but is not executable', async () => {
    const notExecutable = join(scratch, 'mediasoup-worker');
    writeFileSync(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    const [outcome] = await runWith(notExecutable);
    expect(outcome?.code).toBe('GK_SFU_MEDIA_UNAVAILABLE');
    expect(outcome?.cause).toBe('EACCES');
    expect(outcome?.message).toContain(`mediasoup-worker at ${notExecutable} is not executable`);
  });
});
