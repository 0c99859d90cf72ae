import { lmdbBench } from './lmdb.js';

process.stdout.write(`${await lmdbBench()}\n`);
