import { PermanentError, TransientError } from '../domain/errors.js';

/*
 * Every failure of a Smart Assessor call. Each names the operation only: never the URL's query, the SOAP
 * envelope (whose header carries the ApiKey) or the library's own error, whose request config holds both.
 * Permanent kinds are PermanentErrors, so the one job error policy (src/jobs/error-policy.ts) fails them at
 * once without naming each ePortfolio's errors; transient ones are TransientErrors it retries.
 */

const MAX_TEXT = 300;
const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

export type SmartAssessorErrorCode = 'SA_TRANSIENT' | 'SA_AUTH' | 'SA_REFUSED' | 'SA_BAD_RESPONSE' | 'SA_CONFIG';

export interface SmartAssessorErrorInfo {
  code: SmartAssessorErrorCode;
  operation: string;
}

/** Network failure, timeout, 5xx or a Receiver fault: the same call may work later. */
export class SmartAssessorTransientError extends TransientError implements SmartAssessorErrorInfo {
  override name = 'SmartAssessorTransientError';
  readonly code = 'SA_TRANSIENT';
  constructor(readonly operation: string, detail: string) {
    super(`Smart Assessor ${operation}: ${clip(detail)}`);
  }
}

/** The ApiKey was refused (or is read-only for a write). */
export class SmartAssessorAuthError extends PermanentError implements SmartAssessorErrorInfo {
  override name = 'SmartAssessorAuthError';
  readonly code = 'SA_AUTH';
  constructor(readonly operation: string, detail: string) {
    super(`Smart Assessor ${operation}: the client key was refused (${clip(detail)}); check Client Key in the Smart Assessor settings`);
  }
}

/** A Sender fault: Smart Assessor refused what we sent, with its reason. Sending it again cannot help. */
export class SmartAssessorRefusedError extends PermanentError implements SmartAssessorErrorInfo {
  override name = 'SmartAssessorRefusedError';
  readonly code = 'SA_REFUSED';
  readonly reason: string;
  constructor(readonly operation: string, reason: string) {
    super(`Smart Assessor refused ${operation}: ${clip(reason)}`);
    this.reason = clip(reason);
  }
}

/** An answer that does not match the contract (validated at the edge, naming the operation and field). */
export class SmartAssessorBadResponseError extends PermanentError implements SmartAssessorErrorInfo {
  override name = 'SmartAssessorBadResponseError';
  readonly code = 'SA_BAD_RESPONSE';
  constructor(readonly operation: string, detail: string) {
    super(`Smart Assessor ${operation} answered unexpectedly: ${clip(detail)}`);
  }
}

/** The PICS settings cannot reach Smart Assessor (no URL, no client key, a URL that is not http(s)). */
export class SmartAssessorConfigError extends PermanentError implements SmartAssessorErrorInfo {
  override name = 'SmartAssessorConfigError';
  readonly code = 'SA_CONFIG';
  readonly operation = 'settings';
  constructor(detail: string) {
    super(`Smart Assessor settings: ${detail}`);
  }
}

export type SmartAssessorError =
  | SmartAssessorTransientError | SmartAssessorAuthError | SmartAssessorRefusedError | SmartAssessorBadResponseError | SmartAssessorConfigError;

export function isSmartAssessorError(error: unknown): error is SmartAssessorError {
  return error instanceof SmartAssessorTransientError || error instanceof SmartAssessorAuthError || error instanceof SmartAssessorRefusedError
    || error instanceof SmartAssessorBadResponseError || error instanceof SmartAssessorConfigError;
}
