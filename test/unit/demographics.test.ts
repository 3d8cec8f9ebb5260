import { describe, expect, it } from '@jest/globals';
import type { OneFilePlacement, OneFileUser } from '../../src/onefile/types.js';
import {
  LEARNER_DEMOGRAPHICS, OFFICER_DEMOGRAPHICS, ORGANISATION_DEMOGRAPHICS, reconcileDemographics, type DemographicsTable,
} from '../../src/rules/demographics.js';
import { graph, officer, placement } from '../helpers/builders.js';

// D7 as one function over a table of fields (issue 18 item 6): what the table says of each field decides the
// push and the pull; the learner, officer and organisation tables are checked here as tables. The
// field-by-field cases of each stay in sync-plan.test.ts.

interface Thing { id: number; label: string | null; size: number | null }
interface Remote { label: string | null; size: string | null }
const THING: DemographicsTable<Thing, Remote> = {
  kind: 'officer',
  fields: [
    { pics: 'label', oneFile: 'label', wire: 'Label', toOneFile: (v) => v.toUpperCase(), toPics: (v) => v.slice(0, 5) },
    { pics: 'size', oneFile: 'size', wire: 'Size', toPics: (v) => (Number.isInteger(Number(v)) ? Number(v) : undefined) },
  ],
};
const d7 = (direction: 'to_pics' | 'to_eportfolio', field: string, oldValue: string | null, newValue: string | number) =>
  ({ table: 'officer', rowId: 1, field, oldValue, newValue, direction, rule: 'D7' });

describe('D7 over a table of fields', () => {
  it('push: each differing field under its OneFile name, as the table converts it; the audit keeps the PICS value', () => {
    expect(reconcileDemographics(THING, { id: 1, label: ' box ', size: 3 }, { label: 'crate', size: '3' }, 'push')).toEqual({
      push: { Label: 'BOX' }, changes: [d7('to_eportfolio', 'Label', 'crate', 'box')],
    });
  });

  it('pull: each differing field under its PICS name, as the table converts it', () => {
    expect(reconcileDemographics(THING, { id: 1, label: 'box', size: 3 }, { label: 'crate', size: ' 4 ' }, 'pull')).toEqual({
      push: {}, changes: [d7('to_pics', 'label', 'box', 'crate'), d7('to_pics', 'size', '3', 4)],
    });
  });

  it('pull: a value the table cannot store, or one PICS already holds once converted, is no change', () => {
    const pics = { id: 1, label: 'abcde', size: 3 };
    expect(reconcileDemographics(THING, pics, { label: 'abcdefgh', size: 'three' }, 'pull').changes).toEqual([]);
    expect(reconcileDemographics(THING, pics, { label: 'abcde', size: '03' }, 'pull').changes).toEqual([]);
  });

  it('none, or no OneFile record read: nothing either way', () => {
    const pics = { id: 1, label: 'box', size: 3 };
    expect(reconcileDemographics(THING, pics, { label: 'crate', size: '4' }, 'none')).toEqual({ changes: [], push: {} });
    expect(reconcileDemographics(THING, pics, null, 'push')).toEqual({ changes: [], push: {} });
    expect(reconcileDemographics(THING, pics, null, 'pull')).toEqual({ changes: [], push: {} });
  });
});

const user = (fields: Partial<OneFileUser>): OneFileUser => ({
  id: 900, role: 1, organisationId: 5740, firstName: null, lastName: null, email: null, misId: null, telephone: null, mobile: null, dob: null,
  uln: null, nino: null, l12: null, l13: null, l14: null, l15: null, startOn: null, plannedEndDate: null, defaultAssessorId: null,
  placementId: null, classroomId: null, archived: false, lastModified: null, ...fields,
});

// Every field of each table differs between the two records; storable both ways.
const cases = [
  {
    name: 'learner', table: LEARNER_DEMOGRAPHICS, pics: graph().learner,
    oneFile: user({ firstName: 'Adah', lastName: 'King', email: 'a@king.example', telephone: '0161 1', mobile: '07700 1', dob: '2001-04-03', uln: '2345678901', nino: 'CD654321A', l12: '32', l13: 'M', l14: '1', l15: '4' }),
  },
  {
    name: 'officer', table: OFFICER_DEMOGRAPHICS, pics: officer(2, { telephone: '0161 2', mobile: '07700 2' }),
    oneFile: user({ firstName: 'Thomas', lastName: 'Smyth', email: 't@x.example', telephone: '0161 3', mobile: '07700 3' }),
  },
  {
    name: 'organisation', table: ORGANISATION_DEMOGRAPHICS, pics: { ...placement(1).organisation!, email: 'hr@e.example', telephone: '0161 4', website: 'https://e.example' },
    oneFile: { id: 18928, name: 'Other', misId: null, email: 'jobs@e.example', telephone: '0161 5', web: 'https://e.test' } satisfies OneFilePlacement,
  },
] as const;

describe.each(cases)('the $name table', ({ table, pics, oneFile }) => {
  // Loosely typed views of the same records, to apply a reconciliation's changes to them.
  const run = (p: object, o: object, mode: 'push' | 'pull') =>
    reconcileDemographics(table as DemographicsTable<{ id: number }, object>, p as { id: number }, o, mode);

  it('names each PICS field, OneFile field and update field once', () => {
    for (const key of ['pics', 'oneFile', 'wire'] as const) {
      const names = table.fields.map((f) => f[key]);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('push sends every field, and pushing again onto what OneFile then holds changes nothing', () => {
    const { push, changes } = run(pics, oneFile, 'push');
    expect(Object.keys(push)).toEqual(table.fields.map((f) => f.wire));
    expect(changes.map((c) => c.field)).toEqual(table.fields.map((f) => f.wire));
    // OneFile after the update: each field read back as PICS's value (the form it was sent in aside).
    const after = { ...oneFile, ...Object.fromEntries(table.fields.map((f) => [f.oneFile, (pics as Record<string, unknown>)[f.pics]])) };
    expect(run(pics, after, 'push')).toEqual({ changes: [], push: {} });
  });

  it('pull takes every field, and pulling again onto what PICS then holds changes nothing', () => {
    const { push, changes } = run(pics, oneFile, 'pull');
    expect(push).toEqual({});
    expect(changes.map((c) => c.field)).toEqual(table.fields.map((f) => f.pics));
    const after = { ...pics, ...Object.fromEntries(changes.map((c) => [c.field, c.newValue])) };
    expect(run(after, oneFile, 'pull')).toEqual({ changes: [], push: {} });
  });

});

describe('a OneFile value longer than PICS keeps', () => {
  it.each([
    ['officer forenames', OFFICER_DEMOGRAPHICS, officer(2), 'firstName', 'forenames', 100],
    ['organisation name', ORGANISATION_DEMOGRAPHICS, placement(1).organisation!, 'name', 'name', 200],
  ] as const)('%s: pulled cut to what PICS keeps, then left alone (not a change every day)', (_, table, pics, oneFileField, picsField, max) => {
    const run = (p: object) => reconcileDemographics(table as DemographicsTable<{ id: number }, object>, p as { id: number }, { [oneFileField]: 'y'.repeat(500) }, 'pull')
      .changes.filter((c) => c.field === picsField);
    const [first] = run(pics);
    expect(first?.newValue).toBe('y'.repeat(max));
    expect(run({ ...pics, [picsField]: first!.newValue })).toEqual([]);
  });
});
