export {
  DEFAULT_REDIS_WORKER_ID_LEASE_OPTIONS,
  RedisWorkerIdLease,
  type RedisWorkerIdLeaseOptions,
} from './redis-worker-id-lease.js';
