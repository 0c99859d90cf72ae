export { ShardingError, ShardingErrorCode } from './errors.js';
export {
  DEFAULT_HASH_RING_OPTIONS,
  HashRing,
  type HashRingOptions,
  type RingNode,
} from './hash-ring.js';
export {
  type Clock,
  DEFAULT_IDENTIFY_QUEUE_OPTIONS,
  IdentifyQueue,
  type IdentifyQueueOptions,
  identifyBucket,
  type Scheduler,
  type WaitForTurnOptions,
} from './identify-queue.js';
export {
  type GuildReshard,
  type OldShardPlan,
  planReshard,
  type ReshardMove,
  type ReshardPlan,
  shardAfterReshard,
} from './reshard.js';
export { shardIdForGuild } from './shard-id.js';
