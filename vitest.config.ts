import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

interface ExportTarget {
  readonly 'guildkit-source'?: string;
}

/**
 * Tests run against every package's TypeScript source (each export's `guildkit-source`
 * condition), so `npm test` needs no build between an edit and a run.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const folder of ['packages', 'examples']) {
    for (const name of readdirSync(folder)) {
      const manifestPath = join(folder, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name: string;
        exports?: Record<string, ExportTarget>;
      };
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const source = target['guildkit-source'];
        if (source === undefined) continue;
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        aliases.push({
          find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
          replacement: resolve(folder, name, source),
        });
      }
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['{packages,examples}/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
