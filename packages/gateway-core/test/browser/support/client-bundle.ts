import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLIENT_ENTRY = fileURLToPath(new URL('../../../src/client/index.ts', import.meta.url));

/** The client entry point bundled for a browser, and the files that went into it. */
export interface ClientBundle {
  /** One ES module with every dependency inlined. */
  readonly code: string;
  /** The bundled files, relative to the working directory (e.g. `…/node_modules/fflate/esm/browser.js`). */
  readonly inputs: readonly string[];
}

/**
 * Bundles `src/client/index.ts` as a browser ES module with esbuild. With `platform: 'browser'`
 * esbuild refuses Node built-ins (`node:zlib`, `node:events`, …), so a successful build shows
 * the client needs none.
 *
 * @returns the bundle and its inputs.
 * @throws esbuild's build failure when the client imports something a browser cannot load.
 */
export async function bundleClientForBrowser(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output file');
  return { code: output.text, inputs: Object.keys(result.metafile.inputs) };
}
