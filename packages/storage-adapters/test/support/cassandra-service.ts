import type { ServiceEndpoint } from '@guildkit/testkit';
import { Client, tracker } from 'cassandra-driver';
import { TABLE_NAMES } from '../../src/internal/cassandra-schema.js';

/** `host:port` entries from `CASSANDRA_CONTACT_POINTS` (comma-separated), else the local node. */
export const CONTACT_POINTS = (process.env['CASSANDRA_CONTACT_POINTS'] ?? '127.0.0.1:9042')
  .split(',')
  .map((entry) => entry.trim())
  .filter((entry) => entry !== '');

/** The data center of the contact points (`CASSANDRA_LOCAL_DC`; the CI node's by default). */
export const LOCAL_DATA_CENTER = process.env['CASSANDRA_LOCAL_DC'] ?? 'datacenter1';

function endpoint(): ServiceEndpoint {
  const [first = '127.0.0.1:9042'] = CONTACT_POINTS;
  const separator = first.lastIndexOf(':');
  const host = separator < 0 ? first : first.slice(0, separator);
  const port = separator < 0 ? 9042 : Number(first.slice(separator + 1));
  return {
    name: 'Cassandra',
    host,
    port,
    howToStart:
      '.ci/cassandra/start (from the repo root), or set CASSANDRA_CONTACT_POINTS=host:port to an existing Cassandra/ScyllaDB',
  };
}

/** The Cassandra the integration tests use. */
export const CASSANDRA = endpoint();

/**
 * Records the CQL of every request a client sends. A cassandra-driver request tracker (the
 * driver checks `instanceof RequestTracker`, which only `RequestLogger` is typed to extend).
 */
export class QueryLog extends tracker.RequestLogger {
  readonly queries: string[] = [];
  /** Statements sent with a `null` or `undefined` parameter, and the parameter's position. */
  readonly nullParameters: string[] = [];

  constructor() {
    super({ logNormalRequests: false, logErroredRequests: false });
  }

  override onSuccess(
    _host: unknown,
    query: string | Array<{ query: string }>,
    parameters: unknown,
  ): void {
    const text = typeof query === 'string' ? query : query.map((q) => q.query).join('; ');
    this.queries.push(text);
    if (!Array.isArray(parameters)) return;
    parameters.forEach((value: unknown, index) => {
      if (value === null || value === undefined) this.nullParameters.push(`${text} [${index}]`);
    });
  }

  override onError(
    host: unknown,
    query: string | Array<{ query: string }>,
    parameters: unknown,
  ): void {
    this.onSuccess(host, query, parameters);
  }

  override shutdown(): void {}

  /** @returns how many recorded queries read from `table` (`FROM <keyspace>.<table> `). */
  selectsFrom(table: string): number {
    return this.queries.filter((q) => q.startsWith('SELECT') && q.includes(`.${table} `)).length;
  }

  clear(): void {
    this.queries.length = 0;
    this.nullParameters.length = 0;
  }
}

/**
 * @param log - a query log to attach.
 * @returns a client on {@link CONTACT_POINTS}.
 */
export function testClient(log?: QueryLog): Client {
  return new Client({
    contactPoints: [...CONTACT_POINTS],
    localDataCenter: LOCAL_DATA_CENTER,
    ...(log === undefined ? {} : { requestTracker: log }),
  });
}

/** Empties every table of the store in `keyspace`. */
export async function truncateAll(client: Client, keyspace: string): Promise<void> {
  await Promise.all(TABLE_NAMES.map((table) => client.execute(`TRUNCATE ${keyspace}.${table}`)));
}
