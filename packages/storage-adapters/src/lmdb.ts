/**
 * `@guildkit/storage-adapters/lmdb`: the embedded, durable message and guild stores. A separate entry point
 * keeps the native `lmdb` dependency (an optional peer) out of users who don't need it.
 *
 * @example
 * ```ts
 * import { LmdbMessageStore } from '@guildkit/storage-adapters/lmdb';
 *
 * const store = await LmdbMessageStore.open({ path: './data/messages' });
 * ```
 */

export { LmdbGuildStore, type LmdbGuildStoreOptions } from './lmdb-guild-store.js';
export { LmdbMessageStore, type LmdbMessageStoreOptions } from './lmdb-message-store.js';
