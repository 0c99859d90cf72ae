import type { CassandraReplication, CassandraRetryOptions } from '../cassandra-message-store.js';
import { StorageError, StorageErrorCode } from '../errors.js';
import type { RetrySettings } from './cassandra-executor.js';

const KEYSPACE_NAME = /^[a-z][a-z0-9_]{0,47}$/;
const DATA_CENTER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * @param keyspace - a keyspace name; it is written into CQL unquoted, so it is restricted to
 * `[a-z][a-z0-9_]{0,47}` (Cassandra's own limit is 48 characters).
 * @returns `keyspace`.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` otherwise.
 */
export function checkKeyspace(keyspace: string): string {
  if (!KEYSPACE_NAME.test(keyspace)) {
    throw invalid(`keyspace: ${JSON.stringify(keyspace)} does not match [a-z][a-z0-9_]{0,47}`);
  }
  return keyspace;
}

/**
 * @param retry - retry options with defaults filled in.
 * @returns them, checked: `attempts` an integer in 1..100, waits finite and >= 0.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` otherwise.
 */
export function checkRetry(retry: Required<CassandraRetryOptions>): RetrySettings {
  const { attempts, backoffMs, maxBackoffMs } = retry;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
    throw invalid(`retry.attempts: ${attempts} is not an integer in 1..100`);
  }
  for (const [name, value] of [
    ['backoffMs', backoffMs],
    ['maxBackoffMs', maxBackoffMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw invalid(`retry.${name}: ${value} is not a finite number >= 0`);
    }
  }
  return { attempts, backoffMs, maxBackoffMs };
}

/**
 * @param replication - the keyspace replication.
 * @returns the CQL map literal of `WITH replication = …`.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a factor outside 1..100, no data
 * center, or a data center name that is not plain (`[A-Za-z0-9_.-]{1,64}`).
 */
export function replicationCql(replication: CassandraReplication): string {
  const factor = (value: number, what: string): number => {
    if (!Number.isInteger(value) || value < 1 || value > 100) {
      throw invalid(`replication: ${what} ${value} is not an integer in 1..100`);
    }
    return value;
  };
  if (replication.class === 'SimpleStrategy') {
    const rf = factor(replication.replicationFactor, 'replicationFactor');
    return `{'class': 'SimpleStrategy', 'replication_factor': ${rf}}`;
  }
  const entries = Object.entries(replication.dataCenters);
  if (entries.length === 0) throw invalid('replication: dataCenters is empty');
  const dcs = entries.map(([dc, rf]) => {
    if (!DATA_CENTER_NAME.test(dc)) {
      throw invalid(`replication: data center ${JSON.stringify(dc)} is not a plain name`);
    }
    return `'${dc}': ${factor(rf, `dataCenters.${dc}`)}`;
  });
  return `{'class': 'NetworkTopologyStrategy', ${dcs.join(', ')}}`;
}

function invalid(message: string): StorageError {
  return new StorageError(StorageErrorCode.InvalidArgument, message);
}
