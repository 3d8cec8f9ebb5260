import { RecordReader } from './parse.js';

/*
 * What OneFile's records look like, reduced to what the contract probe may keep: field names, JSON types and
 * counts, and how many values the worker's own readers (onefile/parse.ts) could not read. Values never leave
 * this file, so nothing personal (names, emails, dates of birth) reaches the report.
 */

/** How the worker reads a field: the RecordReader method it goes through. */
export type FieldKind = 'id' | 'int' | 'number' | 'string' | 'bool' | 'date' | 'instant';

export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'object' | 'array';

/** The records the probe reads; a search row and a GET of the same resource are told apart. */
export const RECORD_KINDS = {
  customer: { endpoint: 'GET /Customer', fields: { ID: 'id', Name: 'string' } },
  userRow: {
    endpoint: 'POST /User/Search/{page}/{size}',
    fields: { ID: 'id', FirstName: 'string', LastName: 'string', MISID: 'string', Email: 'string', Role: 'int', Archived: 'bool' },
  },
  user: {
    endpoint: 'GET /User/{id}',
    fields: {
      ID: 'id', Role: 'int', OrganisationID: 'int', FirstName: 'string', LastName: 'string', Email: 'string', MISID: 'string',
      Telephone: 'string', MobileNumber: 'string', DOB: 'date', ULN: 'string', NINO: 'string', L12: 'string', L13: 'string',
      L14: 'string', L15: 'string', StartOn: 'date', PlannedEndDate: 'date', DefaultAssessorID: 'int', PlacementID: 'int',
      ClassroomID: 'int', Archived: 'bool', LastModified: 'instant',
    },
  },
  standardRow: { endpoint: 'POST /Standard/Search/{page}/{size}', fields: { ID: 'id', Title: 'string', Code: 'string' } },
  classroomRow: { endpoint: 'POST /Classroom/Search/{page}/{size}', fields: { ID: 'id', Name: 'string', MISID: 'string' } },
  placementRow: { endpoint: 'POST /Placement/Search/{page}/{size}', fields: { ID: 'id', Name: 'string', MISID: 'string' } },
  placement: {
    endpoint: 'GET /Placement/{id}',
    fields: { ID: 'id', Name: 'string', MISID: 'string', Address: 'string', Email: 'string', Telephone: 'string', Web: 'string' },
  },
  aimRow: { endpoint: 'POST /LearningAim/Search/{page}/{size}', fields: aimFields() },
  aim: { endpoint: 'GET /LearningAim/{id}', fields: aimFields() },
  reviewRow: { endpoint: 'POST /Review/Search/{page}/{size}', fields: reviewFields() },
  review: { endpoint: 'GET /Review/{id}', fields: reviewFields() },
} as const satisfies Record<string, { endpoint: string; fields: Record<string, FieldKind> }>;

export type RecordKind = keyof typeof RECORD_KINDS;

function aimFields() {
  return {
    ID: 'id', UserID: 'int', StandardID: 'int', Status: 'int', StartDate: 'date', PlannedEnd: 'date', AchievedDate: 'date',
    RegistrationNumber: 'string', RegistrationDate: 'date', CertificateAppliedDate: 'date', CertificateReceivedDate: 'date',
    TotalCriteria: 'int', CompletedCriteria: 'int', Progress: 'number',
  } as const;
}

function reviewFields() {
  return {
    ID: 'id', LearnerID: 'int', AssessorID: 'int', Status: 'int', ScheduledFor: 'instant', EndTime: 'instant', StartedOn: 'instant',
    AssessorSignedOn: 'instant', LearnerSignedOn: 'instant', VisitID: 'int',
  } as const;
}

export interface FieldShape {
  /** Records in which the field was present (null included). */
  present: number;
  types: Partial<Record<JsonType, number>>;
}

export interface RecordShape {
  records: number;
  /** Every field name seen (the worker's and any other), by its name as OneFile spelt it. */
  fields: Record<string, FieldShape>;
  /** Records without a usable ID (absent, not a positive integer). */
  missingId: number;
  /** Fields the worker reads whose value its reader refused: field → records. */
  unreadable: Record<string, number>;
}

export const emptyShape = (): RecordShape => ({ records: 0, fields: {}, missingId: 0, unreadable: {} });

// A field name is shown as it is only when it looks like one: a key made of data is counted, not named.
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 100;

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

function readable(reader: RecordReader, name: string, kind: FieldKind): boolean {
  try {
    if (kind === 'id') reader.id(name);
    else reader[kind](name);
    return true;
  } catch {
    return false; // the error names the value: dropped, only the count is kept
  }
}

/** Adds one record (a search row or a GET's body) to `shape`; anything but a JSON object counts as a record without an ID. */
export function observeRecord(shape: RecordShape, kind: RecordKind, record: unknown): void {
  shape.records += 1;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    shape.missingId += 1;
    return;
  }
  for (const [key, value] of Object.entries(record)) {
    const name = FIELD_NAME.test(key) ? key : '(a key that is not a field name)';
    if (!(name in shape.fields) && Object.keys(shape.fields).length >= MAX_FIELDS) continue;
    const field = (shape.fields[name] ??= { present: 0, types: {} });
    field.present += 1;
    const type = jsonType(value);
    field.types[type] = (field.types[type] ?? 0) + 1;
  }
  const reader = RecordReader.of(RECORD_KINDS[kind].endpoint, record);
  for (const [name, fieldKind] of Object.entries(RECORD_KINDS[kind].fields) as [string, FieldKind][]) {
    if (readable(reader, name, fieldKind)) continue;
    if (fieldKind === 'id') shape.missingId += 1;
    else shape.unreadable[name] = (shape.unreadable[name] ?? 0) + 1;
  }
}

/** How many of `shape`'s records carry `name` (case-insensitive, as the readers match it). */
export function presentCount(shape: RecordShape, name: string): number {
  const lower = name.toLowerCase();
  return Object.entries(shape.fields).filter(([key]) => key.toLowerCase() === lower).reduce((sum, [, f]) => sum + f.present, 0);
}

/** The fields of `kind` read as dates or times. */
export function dateFields(kind: RecordKind): string[] {
  return Object.entries(RECORD_KINDS[kind].fields).filter(([, k]) => k === 'date' || k === 'instant').map(([name]) => name);
}
