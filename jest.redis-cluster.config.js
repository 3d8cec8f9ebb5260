// The integration suite's enrol and sync scenarios run again on a Redis Cluster (issue 20): three masters of
// each test file's own, made with `redis-cli --cluster create` (test/helpers/redis.ts, TEST_REDIS_TOPOLOGY=cluster,
// which `npm run test:redis-cluster` sets). Everything else as in jest.config.js.
import base from './jest.config.js';

const SCENARIOS = ['enrol', 'enrol-again', 'enrol-crash', 'enrol-links', 'daily-sync', 'sync-calls', 'sync-integrity', 'review-upload', 'demographics'];

export default {
  ...base,
  testMatch: SCENARIOS.map((name) => `<rootDir>/test/integration/${name}.test.ts`),
};
