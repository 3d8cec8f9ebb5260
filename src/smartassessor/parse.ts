import { SmartAssessorBadResponseError } from './errors.js';
import type { SaAssessor, SaEmployer, SaLearner } from './types.js';

/*
 * Validation of Smart Assessor's answers at the edge: lenient in form (a single record or a list, numbers or
 * numeric strings, nil or empty elements), strict in substance (every record has its id), and every failure
 * names the operation and the field. Fields the worker does not use (an assessor's password among them) are
 * never read.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A text value as node-soap hands it over: a string, a typed number/boolean, `{$value}`, or nil/empty → null. */
export function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObj(value) && '$value' in value) return text(value.$value);
  return null; // <X xsi:nil="true"/> and <X/> come as objects without a value.
}

/** The records of a `getAll…` result: absent or empty = none; one record = a list of one. */
function records(operation: string, result: unknown, resultField: string, recordName: string): Obj[] {
  const container = isObj(result) ? result[resultField] : undefined;
  if (container === undefined || container === null || container === '') return [];
  if (!isObj(container)) throw new SmartAssessorBadResponseError(operation, `${resultField} is not a list of ${recordName}`);
  const raw = container[recordName];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item, i) => {
    if (!isObj(item)) throw new SmartAssessorBadResponseError(operation, `${recordName}[${i}] is not a record`);
    return item;
  });
}

function requiredText(operation: string, where: string, record: Obj, field: string): string {
  const value = text(record[field]);
  if (value === null) throw new SmartAssessorBadResponseError(operation, `${where}.${field} is missing`);
  return value;
}

function positiveInt(operation: string, where: string, value: unknown): number {
  const s = text(value);
  const n = s === null ? NaN : Number(s);
  if (!Number.isSafeInteger(n) || n <= 0) throw new SmartAssessorBadResponseError(operation, `${where} is not a positive whole number (${s === null ? 'missing' : JSON.stringify(s.slice(0, 40))})`);
  return n;
}

function learnerId(operation: string, where: string, value: unknown): string {
  const s = text(value);
  if (s === null) throw new SmartAssessorBadResponseError(operation, `${where} is missing`);
  // pics.learner.smartassessor_id is varchar(36): a longer id could not be stored, so it is refused here.
  if (s.length > 36) throw new SmartAssessorBadResponseError(operation, `${where} is longer than 36 characters`);
  return s;
}

export function parseAssessors(operation: string, result: unknown): SaAssessor[] {
  return records(operation, result, `${operation}Result`, 'Assessor').map((r, i) => ({
    smartAssessorId: requiredText(operation, `Assessor[${i}]`, r, 'SmartAssessorId'),
    firstName: text(r.FirstName),
    lastName: text(r.LastName),
    email: text(r.Email),
    userName: text(r.UserName),
    misId: text(r.SunesisId),
  }));
}

export function parseEmployers(operation: string, result: unknown): SaEmployer[] {
  return records(operation, result, `${operation}Result`, 'Employer').map((r, i) => ({
    smartAssessorId: positiveInt(operation, `Employer[${i}].SmartAssessorId`, r.SmartAssessorId),
    name: requiredText(operation, `Employer[${i}]`, r, 'Name'),
    edrsNumber: text(r.EdsId),
    postcode: text(r.AddressPostCode),
    misId: text(r.SunesisId),
  }));
}

export function parseLearners(operation: string, result: unknown): SaLearner[] {
  return records(operation, result, `${operation}Result`, 'Learner').map((r, i) => ({
    smartAssessorId: learnerId(operation, `Learner[${i}].SmartAssessorId`, r.SmartAssessorId),
    misId: text(r.SunesisId),
    uln: text(r.ULN),
    givenNames: text(r.GivenNames),
    familyName: text(r.FamilyName),
  }));
}

const resultOf = (operation: string, result: unknown): unknown => (isObj(result) ? result[`${operation}Result`] : undefined);

export function parseNewEmployerId(operation: string, result: unknown): number {
  return positiveInt(operation, `${operation}Result`, resultOf(operation, result));
}

export function parseNewLearnerId(operation: string, result: unknown): string {
  return learnerId(operation, `${operation}Result`, resultOf(operation, result));
}

/** updateLearnerDetail answers a boolean: anything but true is a refusal the caller must hear about. */
export function parseUpdated(operation: string, result: unknown): void {
  const value = text(resultOf(operation, result));
  if (value?.toLowerCase() !== 'true') throw new SmartAssessorBadResponseError(operation, `${operation}Result is ${value === null ? 'missing' : JSON.stringify(value.slice(0, 40))}, not true`);
}
