import type { PicsRecordKind } from '../domain/learner.js';

/** Which system a change was written to. */
export type Direction = 'to_pics' | 'to_eportfolio';

/** One field a sync changes, in either system: what the job writes and what its audit line says. */
export interface FieldChange {
  table: PicsRecordKind;
  rowId: number;
  /** The field changed: a domain field (Learner, Review …) for PICS's side, OneFile's field name for OneFile's. */
  field: string;
  oldValue: string | number | null;
  newValue: string | number | null;
  direction: Direction;
  rule: string;
}
