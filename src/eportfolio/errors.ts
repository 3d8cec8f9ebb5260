import { PermanentError } from '../domain/errors.js';
import type { EnrolProblem } from '../rules/enrol-plan.js';

/** A learner that cannot be enrolled as PICS stands (E8): no retry, the problems recorded for the user. */
export class EnrolInvalidError extends PermanentError {
  override name = 'EnrolInvalidError';
  constructor(readonly problems: EnrolProblem[], readonly code: 'invalid' | 'refused' | 'duplicate-in-eportfolio' = 'invalid') {
    super(problems.map((p) => p.message).join('; '));
  }
}
