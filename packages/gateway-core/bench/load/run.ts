/** Runs the load benchmark on its own: `npx tsx bench/load/run.ts` (see `index.ts`). */
import { loadBench } from './index.js';

process.stdout.write(`${await loadBench()}\n`);
