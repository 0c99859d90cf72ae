export { ManualClock } from './manual-clock.js';
export { ManualScheduler } from './manual-scheduler.js';
export {
  isTcpReachable,
  NATS,
  POSTGRES,
  REDIS,
  requireService,
  type ServiceEndpoint,
} from './service.js';
export {
  type BenchCase,
  compareSideBySide,
  formatComparisonTable,
  type MeasuredCase,
  type SideBySideOptions,
} from './side-by-side.js';
