/**
 * The one error style of the worker's own failures: each says whether trying the same work again can help.
 * The job error policy (jobs/error-policy.ts) maps `permanent` to a job failed at once and anything else to a
 * retry with backoff, so no client or domain error needs a queue library's type to say so.
 */
export abstract class WorkerError extends Error {
  /** true: the same input gives the same failure (a setting, PICS data, a refusal); false: it may work later. */
  abstract readonly permanent: boolean;
}

/** Fails for good: retrying cannot change the outcome. */
export abstract class PermanentError extends WorkerError {
  readonly permanent = true;
}

/** May work on a later try (network, timeout, 5xx). */
export abstract class TransientError extends WorkerError {
  readonly permanent = false;
}
