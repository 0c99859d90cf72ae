import { formatComparisonTable } from '@guildkit/testkit';
import { forwardingBench } from './forwarding.js';
import { tokenRows } from './tokens.js';

process.stdout.write(
  `${formatComparisonTable('voice tokens: issue + verify one token (HMAC-SHA256), ops = tokens', await tokenRows())}\n`,
);
process.stdout.write(`${await forwardingBench()}\n`);
