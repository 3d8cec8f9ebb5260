import { describe, expect, it } from '@jest/globals';
import { blockingChecks, judgeContract, type ProbeObservations } from '../../src/rules/wire-contract.js';
import { emptyShape, observeRecord, type RecordKind, type RecordShape } from '../../src/onefile/wire-shapes.js';

// Issue 22: what the probe keeps of a record, and which contradictions stop jobs.
describe('record shapes keep names, types and counts, never values', () => {
  it('counts each field by its JSON type and what the worker could not read', () => {
    const shape = emptyShape();
    observeRecord(shape, 'user', { ID: 7, FirstName: 'Zebedee', DOB: '01/05/2004', Role: '1', 'not a field: zebedee@x.example': true });
    observeRecord(shape, 'user', { ID: -1, FirstName: null });
    observeRecord(shape, 'user', 'not an object');
    expect(shape).toEqual({
      records: 3, missingId: 2, unreadable: { DOB: 1 },
      fields: {
        ID: { present: 2, types: { number: 2 } }, FirstName: { present: 2, types: { string: 1, null: 1 } }, DOB: { present: 1, types: { string: 1 } },
        Role: { present: 1, types: { string: 1 } }, '(a key that is not a field name)': { present: 1, types: { boolean: 1 } },
      },
    });
    expect(JSON.stringify(shape)).not.toMatch(/Zebedee|2004|zebedee@/);
  });
});

function observations(shapes: Partial<Record<RecordKind, RecordShape>>): ProbeObservations {
  return {
    authentication: { status: 200, form: 'bare' }, refusedSession: { status: 401 }, emptySearch: { status: 204, body: 'none' },
    searches: {}, shapes, aimRows: { full: 0, minimal: 0 }, reviewRows: { full: 0, status: 0, minimal: 0 }, standardsWithCode: 0, organisationSet: true,
  };
}

function shapeOf(kind: RecordKind, ...records: unknown[]): RecordShape {
  const shape = emptyShape();
  for (const r of records) observeRecord(shape, kind, r);
  return shape;
}

const review = { ID: 1, LearnerID: 2, AssessorID: 3, ScheduledFor: '2026-11-02T10:00:00Z', StartedOn: null, LearnerSignedOn: null };

describe('which contradictions stop jobs', () => {
  it('nothing read: every record check is not testable, nothing blocks', () => {
    const checks = judgeContract(observations({}));
    expect(checks.find((c) => c.id === 'dates')!.verdict).toBe('not-testable');
    expect(blockingChecks(checks)).toEqual([]);
  });

  it('GET /Review/{id} without StartedOn blocks (held reviews would read as not attended); without AssessorID alone it does not', () => {
    const { StartedOn: _s, ...noStarted } = review;
    const { AssessorID: _a, ...noAssessor } = review;
    expect(blockingChecks(judgeContract(observations({ review: shapeOf('review', noStarted) })))).toEqual(['review-detail']);
    const checks = judgeContract(observations({ review: shapeOf('review', noAssessor) }));
    expect(checks.find((c) => c.id === 'review-detail')).toMatchObject({ verdict: 'contradicted', blocks: false, seen: 'absent from 1 review: AssessorID' });
    expect(blockingChecks(checks)).toEqual([]);
  });

  it('a date the worker cannot read blocks; a number sent as text does not', () => {
    expect(blockingChecks(judgeContract(observations({ review: shapeOf('review', { ...review, ScheduledFor: '02/11/2026 10:00' }) })))).toEqual(['dates']);
    const checks = judgeContract(observations({ review: shapeOf('review', { ...review, LearnerID: '2' }) }));
    expect(checks.find((c) => c.id === 'field-types')!.verdict).toBe('confirmed');
    expect(blockingChecks(checks)).toEqual([]);
  });

  it('a Status that is not a number is a contradiction of types, which does not block', () => {
    const checks = judgeContract(observations({ review: shapeOf('review', { ...review, Status: 'Open' }) }));
    expect(checks.find((c) => c.id === 'field-types')).toMatchObject({ verdict: 'contradicted', blocks: false, seen: 'unexpected type: GET /Review/{id} Status (1 of 1)' });
  });
});
