import type { IServices } from 'soap';
import { ASSESSOR_FIELDS, EMPLOYER_FIELDS, LEARNER_FIELDS, ordered, pick, type SaLearnerRecord } from './records.js';
import type { SaRequestLogEntry, SaState } from './state.js';
import { SA_PORT, SA_SERVICE } from './wsdl.js';

/*
 * The operations of the simulated Smart Assessor, as node-soap service methods over the in-memory records.
 * Refusals are SOAP 1.2 Sender faults with a subcode (AuthenticationFailure, ReadOnly, ValidationError,
 * NotFound) and HTTP 400. Like OneFile's simulator, it does not refuse a second learner with one ULN or MIS
 * id, nor a second employer with one name: a careless client would create them, and the duplicate check
 * (duplicates.ts) is what tests assert on.
 */

export interface SaFault {
  Fault: { Code: { Value: string; Subcode: { Value: string } }; Reason: { Text: string }; statusCode: number };
}

export const senderFault = (subcode: string, reason: string): SaFault => ({
  Fault: { Code: { Value: 'soap:Sender', Subcode: { Value: subcode } }, Reason: { Text: reason }, statusCode: 400 },
});

export const isFault = (e: unknown): e is SaFault => typeof e === 'object' && e !== null && 'Fault' in e;

const WRITES = new Set(['inserEmployerDetail', 'inserLearnerDetail', 'updateLearnerDetail']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Headers = { AuthHeader?: { ApiKey?: unknown; ReadOnly?: unknown } } | undefined;

export interface OperationsContext {
  state: SaState;
  /** The log entry of the call being served (node-soap runs a method synchronously inside processRequest). */
  current(): SaRequestLogEntry | null;
}

function validDate(value: string): boolean {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function smartAssessorServices(ctx: OperationsContext): IServices {
  const { state } = ctx;

  /** Checks the AuthHeader and records what was sent; throws a fault the caller receives. */
  const begin = (operation: string, args: unknown, headers: Headers) => {
    const entry = ctx.current();
    if (entry) entry.args = args ?? null;
    const auth = headers?.AuthHeader;
    if (typeof auth?.ApiKey !== 'string' || auth.ApiKey !== state.apiKey) throw senderFault('AuthenticationFailure', 'The API key is missing or not valid.');
    if (WRITES.has(operation) && String(auth.ReadOnly ?? '').toLowerCase() === 'true') throw senderFault('ReadOnly', `${operation} needs a key that is not read-only.`);
  };

  const employerExists = (id: string | undefined) => id !== undefined && state.employers.has(id);

  const checkLearner = (l: Partial<SaLearnerRecord>, creating: boolean) => {
    const problems: string[] = [];
    if (creating) {
      for (const field of ['GivenNames', 'FamilyName', 'SunesisId', 'EmployerSmartAssessorId'] as const) if (!l[field]) problems.push(`${field} is required`);
    }
    if (l.EmployerSmartAssessorId !== undefined && !employerExists(l.EmployerSmartAssessorId)) problems.push(`no employer has SmartAssessorId ${l.EmployerSmartAssessorId}`);
    if (l.AssessorSmartAssessorId !== undefined && !state.assessors.has(l.AssessorSmartAssessorId)) problems.push(`no assessor has SmartAssessorId ${l.AssessorSmartAssessorId}`);
    if (l.ULN !== undefined && !/^\d{10}$/.test(l.ULN)) problems.push('ULN must be 10 digits');
    if (l.DateOfBirth !== undefined && !validDate(l.DateOfBirth)) problems.push('DateOfBirth must be a date (yyyy/mm/dd)');
    if (l.Email !== undefined && !EMAIL.test(l.Email)) problems.push('Email is not an email address');
    if (l.SendWelcomeEmail !== undefined && !['true', 'false'].includes(l.SendWelcomeEmail.toLowerCase())) problems.push('SendWelcomeEmail must be true or false');
    if (problems.length) throw senderFault('ValidationError', problems.join('; '));
  };

  const port = {
    getAllAssessorDetail(args: unknown, _cb: unknown, headers: Headers) {
      begin('getAllAssessorDetail', args, headers);
      return { getAllAssessorDetailResult: { Assessor: [...state.assessors.values()].map((a) => ordered(ASSESSOR_FIELDS, a)) } };
    },
    getAllEmployerDetail(args: unknown, _cb: unknown, headers: Headers) {
      begin('getAllEmployerDetail', args, headers);
      return { getAllEmployerDetailResult: { Employer: [...state.employers.values()].map((e) => ordered(EMPLOYER_FIELDS, e)) } };
    },
    getAllLearnerDetail(args: unknown, _cb: unknown, headers: Headers) {
      begin('getAllLearnerDetail', args, headers);
      return { getAllLearnerDetailResult: { Learner: [...state.learners.values()].map((l) => ordered(LEARNER_FIELDS, l)) } };
    },
    inserEmployerDetail(args: { employer?: unknown } | null, _cb: unknown, headers: Headers) {
      begin('inserEmployerDetail', args, headers);
      const { SmartAssessorId: _ignored, ...employer } = pick(EMPLOYER_FIELDS, args?.employer);
      if (!employer.Name) throw senderFault('ValidationError', 'Name is required');
      const id = state.newEmployerId();
      state.employers.set(id, { ...employer, Name: employer.Name, SmartAssessorId: id });
      return { inserEmployerDetailResult: id };
    },
    inserLearnerDetail(args: { learner?: unknown } | null, _cb: unknown, headers: Headers) {
      begin('inserLearnerDetail', args, headers);
      const { SmartAssessorId: _ignored, ...learner } = pick(LEARNER_FIELDS, args?.learner);
      checkLearner(learner, true);
      const id = state.newLearnerId();
      state.learners.set(id, { ...learner, SmartAssessorId: id });
      return { inserLearnerDetailResult: id };
    },
    updateLearnerDetail(args: { learner?: unknown } | null, _cb: unknown, headers: Headers) {
      begin('updateLearnerDetail', args, headers);
      const { SmartAssessorId: id, ...changes } = pick(LEARNER_FIELDS, args?.learner);
      if (!id) throw senderFault('ValidationError', 'SmartAssessorId is required');
      const existing = state.learners.get(id);
      if (!existing) throw senderFault('NotFound', `no learner has SmartAssessorId ${id}`);
      checkLearner(changes, false);
      state.learners.set(id, { ...existing, ...changes, SmartAssessorId: id });
      return { updateLearnerDetailResult: true };
    },
  };
  return { [SA_SERVICE]: { [SA_PORT]: port } } as unknown as IServices;
}
