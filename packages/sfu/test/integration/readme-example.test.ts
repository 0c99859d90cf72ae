import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = new URL('../..', import.meta.url).pathname;

/**
 * The README's first TypeScript block after `heading`. It runs from a folder inside the package,
 * so that its imports resolve as a user's would.
 */
async function exampleAfter(heading: string): Promise<string> {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const start = readme.indexOf('```ts\n', readme.indexOf(heading)) + '```ts\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}

describe('the README example', () => {
  it('runs: two people join a voice channel and hear each other', async () => {
    const dir = await mkdtemp(join(packageDir, '.readme-'));
    try {
      const file = join(dir, 'example.mts');
      await writeFile(file, await exampleAfter('## Example'));
      const { stdout } = await run(
        process.execPath,
        ['--conditions=guildkit-source', '--import', 'tsx', file],
        { cwd: packageDir, timeout: 30_000 },
      );
      expect(stdout.split('\n').sort()).toEqual([
        '',
        'alice hears hello from bob',
        'bob hears hello from alice',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
