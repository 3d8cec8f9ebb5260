/*
 * The simulated Smart Assessor's records. Field names and their order are the WSDL's (wsdl.ts builds its
 * types from these lists); every value is a string on the wire, as the public client sends them (reference
 * pics-smartassessor.md §4.2). Assessors and learners have GUID-like ids, employers numeric ones.
 */

export const ASSESSOR_FIELDS = [
  'SmartAssessorId', 'SunesisId', 'FirstName', 'LastName', 'UserName', 'Email', 'Telephone', 'Mobile', 'Region', 'UserType',
] as const;

export const EMPLOYER_FIELDS = [
  'SmartAssessorId', 'SunesisId', 'Name', 'EdsId', 'AddressLine1', 'AddressLine2', 'AddressTown', 'AddressCounty', 'AddressPostCode',
  'Telephone', 'Website', 'KeyContactName', 'KeyContactEmail',
] as const;

export const LEARNER_FIELDS = [
  'SmartAssessorId', 'SunesisId', 'GivenNames', 'FamilyName', 'DateOfBirth', 'ULN', 'NINumber', 'Email', 'TelNumber', 'Mobile',
  'HomeAddressLine1', 'HomeAddressLocality', 'HomeAddressTown', 'HomeAddressCounty', 'HomeAddressPostCode',
  'EmployerSmartAssessorId', 'AssessorSmartAssessorId', 'SendWelcomeEmail',
] as const;

export type SaAssessorRecord = Partial<Record<(typeof ASSESSOR_FIELDS)[number], string>> & { SmartAssessorId: string };
export type SaEmployerRecord = Partial<Record<(typeof EMPLOYER_FIELDS)[number], string>> & { SmartAssessorId: string; Name: string };
export type SaLearnerRecord = Partial<Record<(typeof LEARNER_FIELDS)[number], string>> & { SmartAssessorId: string };

/** Keeps the known fields of an incoming record, as trimmed strings; empty values are dropped. */
export function pick<F extends readonly string[]>(fields: F, raw: unknown): Partial<Record<F[number], string>> {
  const out: Partial<Record<F[number], string>> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const field of fields) {
    const value = (raw as Record<string, unknown>)[field];
    const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value).trim() : '';
    if (text !== '') out[field as F[number]] = text;
  }
  return out;
}

/** The record in WSDL order, for an answer. */
export function ordered<F extends readonly string[]>(fields: F, record: Partial<Record<F[number], string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = record[field as F[number]];
    if (value !== undefined) out[field] = value;
  }
  return out;
}
