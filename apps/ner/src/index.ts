/**
 * @window-ner/ner-app: the CLI (cli/main.ts, the `window-ner` bin) and the HTTP service. This index is what the
 * end-to-end tests start in-process: the service and the pieces its options take; and the private redis-server
 * the batch tests and `npm run bench:batch` run against.
 */
export { startService, type Service, type ServiceOptions, type TrainingLimits } from './server/service.js';
export { DEFAULT_LIMITS, type Limits } from './server/http/limits.js';
export { silentLogger, type Logger } from './server/http/logger.js';
export { freePort, startRedis, type RedisServer } from './batch/redis-server.js';
