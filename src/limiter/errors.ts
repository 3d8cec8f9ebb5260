/** Signals from the call budget to its caller; both carry no customer data beyond the waits. */

/**
 * The next free slot is further away than the caller is willing to hold a worker slot for. Nothing was
 * reserved, so the caller should delay its job (BullMQ moveToDelayed) by about `waitMs` and try again.
 */
export class BudgetWaitTooLongError extends Error {
  override readonly name = 'BudgetWaitTooLongError';
  readonly code = 'BUDGET_WAIT_TOO_LONG';
  constructor(
    readonly waitMs: number,
    readonly maxWaitMs: number,
  ) {
    super(`OneFile call budget: next slot in ${Math.round(waitMs)} ms, longer than the ${maxWaitMs} ms allowed`);
  }
}

/** The wait for a reserved slot was aborted (shutdown or job cancellation); the slot is left unused. */
export class BudgetWaitAbortedError extends Error {
  override readonly name = 'BudgetWaitAbortedError';
  readonly code = 'BUDGET_WAIT_ABORTED';
  constructor(options?: { cause?: unknown }) {
    super('OneFile call budget: wait aborted', options);
  }
}
