import { runDemo } from './demo.js';

await runDemo({ write: (line) => console.log(line) });
