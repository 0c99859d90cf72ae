/**
 * A child process for test/integration/lmdb-restart.test.ts: opens an LmdbMessageStore at
 * argv[2] and creates fixture messages 0, 1, 2, … with `argv[3]` writes in flight, printing
 * `ack <index>` once each create's promise has resolved, until it is killed.
 */
import { LmdbMessageStore } from '@guildkit/storage-adapters/lmdb';
import { fixtureMessage } from './lmdb-fixture.js';

const [path, inFlightArgument] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: lmdb-writer <path> [in-flight]');
const inFlight = Number(inFlightArgument ?? '1');

const store = await LmdbMessageStore.open({ path });
let next = 0;

async function writer(): Promise<never> {
  for (;;) {
    const index = next++;
    await store.create(fixtureMessage(index));
    process.stdout.write(`ack ${index}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: inFlight }, writer));
