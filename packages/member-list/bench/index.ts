import { memberListBench } from './member-list.js';
import { orderIndexBench } from './order-index.js';

process.stdout.write(`${orderIndexBench()}\n`);
process.stdout.write(`${await memberListBench()}\n`);
