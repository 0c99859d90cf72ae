export { BUCKET_SPAN_MS, bucketOf, firstIdOfBucket } from './bucket.js';
export {
  CoalescingMessageStore,
  type CoalescingStats,
  routeByChannel,
} from './coalescing-message-store.js';
export { StorageError, StorageErrorCode, StorageUnavailableError } from './errors.js';
export {
  type ChannelPosition,
  type ChannelRecord,
  type ChannelUpdate,
  GUILD_CHANNEL_TYPES,
  GUILD_LIMITS,
  type GuildChannelType,
  type GuildRecord,
  type GuildStore,
  type GuildUpdate,
  type MemberQuery,
  type MemberRecord,
  type MemberUpdate,
  type NewChannel,
  type NewGuild,
  type NewMember,
  type NewRole,
  type OverwriteRecord,
  type RolePosition,
  type RoleRecord,
  type RoleUpdate,
} from './guild-types.js';
export { MemoryGuildStore, type MemoryGuildStoreOptions } from './memory-guild-store.js';
export { MemoryMessageStore, type MemoryMessageStoreOptions } from './memory-message-store.js';
export {
  type CopyReport,
  DEFAULT_MIGRATION_OPTIONS,
  type Discrepancy,
  MigratingMessageStore,
  type MigrationEvents,
  type MigrationOptions,
  type MigrationReadOperation,
  type MigrationWriteOperation,
} from './migrating-message-store.js';
export {
  type CheckpointStore,
  MemoryCheckpointStore,
  type MigrationCheckpoint,
} from './migration-checkpoint.js';
export {
  type ListQuery,
  MESSAGE_LIMITS,
  type MessageEdit,
  type MessageRecord,
  type MessageStore,
  type NewMessage,
  type ReactionCount,
  type ReactorQuery,
} from './types.js';
