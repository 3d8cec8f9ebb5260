import { DEMO_SA_CLIENT_KEY } from '../../demo/smartassessor.js';
import type { SaAssessorRecord, SaEmployerRecord, SaLearnerRecord } from './records.js';

/** One SOAP call as the simulator received it, for tests and the demo to inspect. */
export interface SaRequestLogEntry {
  seq: number;
  operation: string;
  /** The request's body element as node-soap parsed it (the record sent), or null before it was parsed. */
  args: unknown;
  /** The raw SOAP envelope, with the ApiKey replaced by [redacted]. */
  envelope: string;
  /** ok, a fault's subcode, an injected failure, or `answer-dropped` (done, but the caller never heard). */
  outcome: string;
}

/** A GUID-shaped id from a counter, so runs are repeatable: `5a1e0000-0000-4000-8000-000000000001`. */
function guid(prefix: string, n: number): string {
  return `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export class SaState {
  readonly assessors = new Map<string, SaAssessorRecord>();
  /** By id (a numeric string). */
  readonly employers = new Map<string, SaEmployerRecord>();
  readonly learners = new Map<string, SaLearnerRecord>();
  readonly requests: SaRequestLogEntry[] = [];
  apiKey = DEMO_SA_CLIENT_KEY;
  private nextEmployer = 7001;
  private nextLearner = 1;
  private nextAssessor = 1;
  private nextSeq = 1;

  newEmployerId(): string {
    while (this.employers.has(String(this.nextEmployer))) this.nextEmployer++;
    return String(this.nextEmployer++);
  }

  newLearnerId(): string {
    return guid('5a1e', this.nextLearner++);
  }

  newAssessorId(): string {
    return guid('a55e', this.nextAssessor++);
  }

  logRequest(operation: string, envelope: string): SaRequestLogEntry {
    const entry: SaRequestLogEntry = { seq: this.nextSeq++, operation, args: null, envelope: redactApiKey(envelope), outcome: 'received' };
    this.requests.push(entry);
    return entry;
  }

  clear(): void {
    this.assessors.clear();
    this.employers.clear();
    this.learners.clear();
    this.requests.length = 0;
    this.apiKey = DEMO_SA_CLIENT_KEY;
    this.nextEmployer = 7001;
    this.nextLearner = this.nextAssessor = this.nextSeq = 1;
  }
}

/** The key never reaches the request log, the admin routes or a test's output. */
export function redactApiKey(envelope: string): string {
  return envelope.replace(/(<(?:[\w-]+:)?ApiKey\b[^>]*>)[\s\S]*?(<\/(?:[\w-]+:)?ApiKey>)/g, '$1[redacted]$2');
}
