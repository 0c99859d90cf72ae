import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  type MessageRecord,
  StorageErrorCode,
  StorageUnavailableError,
} from '@guildkit/storage-adapters';
import { CassandraMessageStore } from '@guildkit/storage-adapters/cassandra';
import { Client, policies } from 'cassandra-driver';
import { expect, it } from 'vitest';
import { CONTACT_POINTS, LOCAL_DATA_CENTER } from './cassandra-service.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../../..');
const PID_FILE = `${dataDir()}/cassandra.pid`;
const CHANNEL = '175928847298985985';

/** The node's data dir, by the rule of `.ci/cassandra/data-dir.sh`. */
function dataDir(): string {
  const configured = process.env['GUILDKIT_CASSANDRA_DATA'];
  if (configured !== undefined && configured !== '') return configured;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm/guildkit-cassandra';
  } catch {
    return '/var/tmp/guildkit-cassandra';
  }
}

/** @returns the pid of the node `.ci/cassandra/start` runs, or `undefined`. */
function managedPid(): number | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return command.includes('CassandraDaemon') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Registers the outage test: SIGKILL the node during a write loop, keep writing (each write
 * must reject with `StorageUnavailableError` after its bounded retries), restart the node with
 * `.ci/cassandra/start`, keep writing until writes succeed again on the same store, then read
 * back every acknowledged write. Needs the node `.ci/cassandra/start` manages; without one it is
 * skipped locally and fails under `CI=true`.
 *
 * @param keyspace - a keyspace whose schema exists.
 */
export function itSurvivesAnOutage(keyspace: string): void {
  const pid = managedPid();
  const local = CONTACT_POINTS.every((point) => point.startsWith('127.0.0.1'));
  if ((pid === undefined || !local) && process.env['CI'] !== 'true') {
    console.warn(
      `skipping the Cassandra outage test: it kills and restarts the node .ci/cassandra/start runs (pid file ${PID_FILE}); none is running here`,
    );
    return;
  }
  it('keeps every acknowledged write through a SIGKILL and a restart, and recovers without a new store', async () => {
    expect(pid, `no Cassandra started by .ci/cassandra/start (${PID_FILE})`).toBeDefined();
    const client = new Client({
      contactPoints: [...CONTACT_POINTS],
      localDataCenter: LOCAL_DATA_CENTER,
      policies: { reconnection: new policies.reconnection.ConstantReconnectionPolicy(250) },
      socketOptions: { readTimeout: 2_000, connectTimeout: 1_000 },
    });
    const store = new CassandraMessageStore({
      client,
      keyspace,
      retry: { attempts: 3, backoffMs: 50, maxBackoffMs: 200 },
    });
    const acknowledged: string[] = [];
    const outageErrors: unknown[] = [];
    let next = 0;
    const write = async (): Promise<boolean> => {
      const id = (1_300_000_000_000_000_000n + BigInt(next++) * 4_194_304n).toString();
      try {
        await store.create({ id, channelId: CHANNEL, authorId: '1000', content: `write ${id}` });
        acknowledged.push(id);
        return true;
      } catch (error) {
        outageErrors.push(error);
        return false;
      }
    };
    try {
      while (acknowledged.length < 200) await write();
      expect(outageErrors).toEqual([]);
      process.kill(pid!, 'SIGKILL');
      let failed = 0;
      while (failed < 5) if (!(await write())) failed += 1;
      for (const error of outageErrors) {
        expect(error).toBeInstanceOf(StorageUnavailableError);
        expect(error).toMatchObject({ code: StorageErrorCode.Unavailable });
      }
      await run(resolve(REPO, '.ci/cassandra/start'), [], {
        cwd: REPO,
        env: { ...process.env, GUILDKIT_CASSANDRA_NICE: '0' },
      });
      const deadline = Date.now() + 60_000;
      let recovered = 0;
      while (recovered < 50 && Date.now() < deadline) if (await write()) recovered += 1;
      expect(recovered).toBe(50);
      const missing: string[] = [];
      for (const id of acknowledged) {
        const record: MessageRecord | null = await store.get(CHANNEL, id);
        if (record?.content !== `write ${id}`) missing.push(id);
      }
      expect(missing).toEqual([]);
    } finally {
      await client.shutdown();
    }
  }, 240_000);
}
