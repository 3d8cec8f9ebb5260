import type { Learner, Officer, Organisation, PicsRecordKind } from '../domain/learner.js';
import type { DemographicsMode } from '../domain/settings.js';
import { toOneFileDate } from '../domain/dates.js';
import type { OneFilePlacement, OneFileUser } from '../onefile/types.js';
import type { FieldChange } from './field-change.js';

/*
 * D7 for the learner, its officers and its employer as one function over a table of fields: each PICS field
 * with the OneFile field it is read from and the one an update sends, and how a value crosses over. The mode
 * (S5/S6/S7: none, push or pull) says which way; a push never blanks OneFile, a pull never blanks PICS nor
 * writes a value PICS cannot store.
 */

export interface DemographicField<P, O> {
  /** The domain field PICS keeps it in. */
  pics: keyof P & string;
  /** The field of the OneFile record read. */
  oneFile: keyof O & string;
  /** The field OneFile's update takes. */
  wire: string;
  /** PICS's value (trimmed) as OneFile takes it; default as it is. */
  toOneFile?: (value: string) => string;
  /** OneFile's value (trimmed) as PICS stores it, or undefined where PICS cannot hold it; default as it is. */
  toPics?: (value: string) => string | number | undefined;
}

export interface DemographicsTable<P, O> {
  kind: PicsRecordKind;
  fields: readonly DemographicField<P, O>[];
}

export interface DemographicsReconciliation {
  changes: FieldChange[];
  /** The fields for OneFile's partial update (push only). */
  push: Record<string, string>;
}

export const normaliseText = (v: unknown): string | null => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim());

/** D7: field by field where the two sides differ, the PICS value to OneFile (push) or OneFile's to PICS (pull). */
export function reconcileDemographics<P extends { id: number }, O>(
  table: DemographicsTable<P, O>, pics: P, oneFile: O | null, mode: DemographicsMode,
): DemographicsReconciliation {
  const changes: FieldChange[] = [];
  const push: Record<string, string> = {};
  if (mode === 'none' || !oneFile) return { changes, push };
  const change = (field: string, oldValue: string | null, newValue: string | number, direction: FieldChange['direction']) =>
    changes.push({ table: table.kind, rowId: pics.id, field, oldValue, newValue, direction, rule: 'D7' });
  for (const f of table.fields) {
    const picsValue = normaliseText(pics[f.pics]);
    const oneFileValue = normaliseText(oneFile[f.oneFile]);
    if (picsValue === oneFileValue) continue;
    if (mode === 'push') {
      if (picsValue === null) continue; // never blank OneFile from an empty PICS field
      push[f.wire] = f.toOneFile ? f.toOneFile(picsValue) : picsValue;
      change(f.wire, oneFileValue, picsValue, 'to_eportfolio');
    } else {
      if (oneFileValue === null) continue; // never blank PICS from a field OneFile lacks
      const value = f.toPics ? f.toPics(oneFileValue) : oneFileValue;
      // Not storable, or what PICS holds already (a code written differently, a value PICS keeps cut short).
      if (value === undefined || value === pics[f.pics]) continue;
      change(f.pics, picsValue, value, 'to_pics');
    }
  }
  return { changes, push };
}

/** An ILR code: OneFile keeps text, PICS a whole number. */
const code = (v: string) => (Number.isInteger(Number(v)) ? Number(v) : undefined);
const cut = (max: number) => (v: string) => v.slice(0, max);

export const LEARNER_DEMOGRAPHICS: DemographicsTable<Learner, OneFileUser> = {
  kind: 'learner',
  fields: [
    { pics: 'firstName', oneFile: 'firstName', wire: 'FirstName' },
    { pics: 'surname', oneFile: 'lastName', wire: 'LastName' },
    { pics: 'email', oneFile: 'email', wire: 'Email' },
    { pics: 'telephone', oneFile: 'telephone', wire: 'Telephone' },
    { pics: 'mobile', oneFile: 'mobile', wire: 'MobileNumber' },
    { pics: 'birthDate', oneFile: 'dob', wire: 'DOB', toOneFile: (v) => toOneFileDate(v)! },
    { pics: 'uln', oneFile: 'uln', wire: 'ULN', toPics: (v) => (/^\d{10}$/.test(v) ? v : undefined) },
    { pics: 'niNumber', oneFile: 'nino', wire: 'NINO', toPics: (v) => (v.length > 9 ? undefined : v) },
    { pics: 'ethnicity', oneFile: 'l12', wire: 'L12', toPics: code },
    { pics: 'sex', oneFile: 'l13', wire: 'L13', toPics: (v) => (['M', 'F', '9'].includes(v) ? v : undefined) },
    { pics: 'llddHealthProblem', oneFile: 'l14', wire: 'L14', toPics: code },
    { pics: 'disability', oneFile: 'l15', wire: 'L15', toPics: code },
  ],
};

/** The OneFile assessor linked by Other System ID; PICS keeps 100 characters of each. */
export const OFFICER_DEMOGRAPHICS: DemographicsTable<Officer, OneFileUser> = {
  kind: 'officer',
  fields: [
    { pics: 'forenames', oneFile: 'firstName', wire: 'FirstName', toPics: cut(100) },
    { pics: 'surname', oneFile: 'lastName', wire: 'LastName', toPics: cut(100) },
    { pics: 'email', oneFile: 'email', wire: 'Email', toPics: cut(100) },
    { pics: 'telephone', oneFile: 'telephone', wire: 'Telephone', toPics: cut(100) },
    { pics: 'mobile', oneFile: 'mobile', wire: 'MobileNumber', toPics: cut(100) },
  ],
};

/** The OneFile placement linked by Additional ID; PICS keeps 200 characters of each. */
export const ORGANISATION_DEMOGRAPHICS: DemographicsTable<Organisation, OneFilePlacement> = {
  kind: 'organisation',
  fields: [
    { pics: 'name', oneFile: 'name', wire: 'Name', toPics: cut(200) },
    { pics: 'email', oneFile: 'email', wire: 'Email', toPics: cut(200) },
    { pics: 'telephone', oneFile: 'telephone', wire: 'Telephone', toPics: cut(200) },
    { pics: 'website', oneFile: 'web', wire: 'Web', toPics: cut(200) },
  ],
};

/** D7 for the learner. */
export const reconcileLearnerDemographics = (learner: Learner, oneFile: OneFileUser | null, mode: DemographicsMode) =>
  reconcileDemographics(LEARNER_DEMOGRAPHICS, learner, oneFile, mode);

/** D7 for an officer (the OneFile assessor linked by Other System ID). */
export const reconcileOfficerDemographics = (officer: Officer, oneFile: OneFileUser | null, mode: DemographicsMode) =>
  reconcileDemographics(OFFICER_DEMOGRAPHICS, officer, oneFile, mode);

/** PICS keeps five address lines and a postcode; OneFile one multi-line Address. */
export function organisationAddress(org: Organisation): string | null {
  const lines = [org.address1, org.address2, org.address3, org.address4, org.address5, org.postcode].map(normaliseText).filter((l): l is string => l !== null);
  return lines.length ? lines.join('\n') : null;
}

/**
 * D7 for an organisation (the OneFile placement linked by Additional ID). Push sends the address too; a pull
 * leaves the PICS address lines alone (OneFile's single free-text address cannot be split back reliably).
 */
export function reconcileOrganisationDemographics(org: Organisation, placement: OneFilePlacement | null, mode: DemographicsMode): DemographicsReconciliation {
  const { changes, push } = reconcileDemographics(ORGANISATION_DEMOGRAPHICS, org, placement, mode);
  const address = organisationAddress(org);
  if (mode === 'push' && placement && address !== null && address !== normaliseText(placement.address)?.replace(/\r\n/g, '\n')) {
    push.Address = address;
    changes.push({ table: 'organisation', rowId: org.id, field: 'Address', oldValue: placement.address ?? null, newValue: address, direction: 'to_eportfolio', rule: 'D7' });
  }
  return { changes, push };
}
