/**
 * `@guildkit/storage-adapters/cassandra`: the message store on Apache Cassandra or ScyllaDB. A
 * separate entry point keeps `cassandra-driver` (an optional peer) out of users who don't need
 * it.
 *
 * @example
 * ```ts
 * import { CassandraMessageStore } from '@guildkit/storage-adapters/cassandra';
 *
 * const store = new CassandraMessageStore({
 *   contactPoints: ['127.0.0.1:9042'],
 *   localDataCenter: 'datacenter1',
 * });
 * await store.ensureSchema();
 * ```
 */
export {
  type CassandraClientOptions,
  type CassandraConnectOptions,
  CassandraMessageStore,
  type CassandraMessageStoreOptions,
  type CassandraReplication,
  type CassandraRetryOptions,
  type CassandraSchemaOptions,
  type CassandraStoreSettings,
  DEFAULT_CASSANDRA_MESSAGE_STORE_OPTIONS,
} from './cassandra-message-store.js';
