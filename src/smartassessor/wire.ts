import type { LearnerUpdate, NewEmployer, NewLearner } from './types.js';

/*
 * The SOAP wire names (reference §4.2, spellings as found in public MIS code, including `inser…`). Decisions
 * where the reference is silent, each an ASSUMPTION to check against a real WSDL:
 * - the MIS's own id travels in `SunesisId`, the only external-id field public code shows (the MIS that wrote
 *   it was Sunesis); the worker puts the PICS ident there;
 * - the main officer (A2) travels in the learner record as `AssessorSmartAssessorId`, following the
 *   `…SmartAssessorId` naming of the found records, so one insert carries it or carries nothing;
 * - A4's website goes in `Website`, and Send Learner Welcome Email in `SendWelcomeEmail`: PICSWeb sends both,
 *   public code shows neither;
 * - every value is a string, as the public client sends them; dates of birth as `YYYY/MM/DD` ("Y/m/d").
 * Records are built in the WSDL's sequence order (document/literal services may insist on it), and absent
 * values are left out entirely rather than sent empty.
 */

export const OPERATION = {
  getAllAssessors: 'getAllAssessorDetail',
  getAllEmployers: 'getAllEmployerDetail',
  getAllLearners: 'getAllLearnerDetail',
  insertEmployer: 'inserEmployerDetail',
  insertLearner: 'inserLearnerDetail',
  updateLearner: 'updateLearnerDetail',
} as const;

export type OperationName = (typeof OPERATION)[keyof typeof OPERATION];

/** Reads are made with `ReadOnly: true` in the AuthHeader, as the public client does. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([OPERATION.getAllAssessors, OPERATION.getAllEmployers, OPERATION.getAllLearners]);

type Wire = Record<string, string>;

function compact(entries: [string, string | number | boolean | undefined][]): Wire {
  const out: Wire = {};
  for (const [key, value] of entries) if (value !== undefined && value !== '') out[key] = String(value);
  return out;
}

/** `YYYY-MM-DD` → `YYYY/MM/DD`. */
export function wireDate(isoDate: string): string {
  return isoDate.replaceAll('-', '/');
}

export function employerToWire(e: NewEmployer): Wire {
  return compact([
    ['SunesisId', e.misId], ['Name', e.name], ['EdsId', e.edrsNumber], ['AddressLine1', e.addressLine1], ['AddressLine2', e.addressLine2],
    ['AddressTown', e.town], ['AddressCounty', e.county], ['AddressPostCode', e.postcode], ['Telephone', e.telephone], ['Website', e.website],
  ]);
}

export function learnerToWire(l: NewLearner): Wire {
  return compact([
    ['SunesisId', l.misId], ['GivenNames', l.givenNames], ['FamilyName', l.familyName],
    ['DateOfBirth', l.dateOfBirth === undefined ? undefined : wireDate(l.dateOfBirth)], ['ULN', l.uln], ['NINumber', l.niNumber],
    ['Email', l.email], ['TelNumber', l.telephone], ['Mobile', l.mobile], ['HomeAddressLine1', l.addressLine1],
    ['HomeAddressLocality', l.locality], ['HomeAddressTown', l.town], ['HomeAddressCounty', l.county], ['HomeAddressPostCode', l.postcode],
    ['EmployerSmartAssessorId', l.employerSmartAssessorId], ['AssessorSmartAssessorId', l.assessorSmartAssessorId],
    ['SendWelcomeEmail', l.sendWelcomeEmail],
  ]);
}

export function learnerUpdateToWire(u: LearnerUpdate): Wire {
  return compact([
    ['SmartAssessorId', u.smartAssessorId], ['SunesisId', u.misId], ['Email', u.email], ['TelNumber', u.telephone], ['Mobile', u.mobile],
  ]);
}

/** The body element of each operation: the record goes in one child named after its type. */
export const requestBody = {
  insertEmployer: (e: NewEmployer) => ({ employer: employerToWire(e) }),
  insertLearner: (l: NewLearner) => ({ learner: learnerToWire(l) }),
  updateLearner: (u: LearnerUpdate) => ({ learner: learnerUpdateToWire(u) }),
};
