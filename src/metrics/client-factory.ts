import type { OneFileClientFactory } from '../onefile/factory.js';
import type { WorkerMetrics } from './metrics.js';

/**
 * The jobs' client factory with the metrics hook on every client it makes, so no job has to remember to
 * pass onRequest. A caller's own onRequest still runs.
 */
export function withRequestMetrics(factory: OneFileClientFactory, metrics: Pick<WorkerMetrics, 'oneFileRequest'>): OneFileClientFactory {
  const measured: OneFileClientFactory = Object.assign(
    (settings: Parameters<OneFileClientFactory>[0], options: Parameters<OneFileClientFactory>[1] = {}) =>
      factory(settings, {
        ...options,
        onRequest: (info) => {
          metrics.oneFileRequest(info);
          options.onRequest?.(info);
        },
      }),
    { budget: factory.budget, sessions: factory.sessions },
  );
  return measured;
}
