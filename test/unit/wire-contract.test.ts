import { describe, expect, it } from '@jest/globals';
import { blockingChecks, judgeContract, type ProbeObservations } from '../../src/rules/wire-contract.js';
import { dateFields, emptyShape, observeRecord, presentCount, type RecordKind, type RecordShape } from '../../src/onefile/wire-shapes.js';
import * as scenario from './wire-contract-scenarios.js';

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

// Issue 23: every verdict of every check, with what the report says it saw and whether it stops jobs (the
// scenarios are in wire-contract-scenarios.ts). The assumption and meaning texts an operator reads are pinned
// by a snapshot per scenario.
const table = (o: ProbeObservations) => judgeContract(o).map((c) => [c.id, c.verdict, c.seen, c.blocks]);

describe('the contract report, check by check', () => {
  it('nothing read: every check is not testable and says why', () => {
    expect(table(scenario.nothingRead)).toEqual([
      ['session-body', 'not-testable', 'no login was made', false],
      ['refused-session', 'not-testable', 'not tried', false],
      ['empty-search', 'not-testable', 'no search was made', false],
      ['search-array', 'not-testable', 'no search page was read', false],
      ['page-size', 'not-testable', 'no search page was read', false],
      ['record-ids', 'not-testable', 'no record was read', false],
      ['dates', 'not-testable', 'no date value was present', false],
      ['field-types', 'not-testable', 'no record was read', false],
      ['standard-codes', 'not-testable', 'no OneFile organisation is set in pics.onefile_settings', false],
      ['classroom-rows', 'not-testable', 'no OneFile organisation is set', false],
      ['placement-rows', 'not-testable', 'no OneFile organisation is set', false],
      ['aim-search-rows', 'not-testable', 'no learning aim was found', false],
      ['aim-detail', 'not-testable', 'no learning aim was read', false],
      ['review-search-rows', 'not-testable', 'no review was found', false],
      ['review-detail', 'not-testable', 'no review was read', false],
      ['user-detail', 'not-testable', 'no user was read', false],
    ]);
  });

  it('every assumption kept: every check confirmed, with the counts seen', () => {
    expect(table(scenario.allKept)).toEqual([
      ['session-body', 'confirmed', 'a plain-text session', false],
      ['refused-session', 'confirmed', 'status 401', false],
      ['empty-search', 'confirmed', '204', false],
      ['search-array', 'confirmed', '3 pages of 2 resources (User 150, Review 1 rows)', false],
      ['page-size', 'confirmed', '3 pages of 2 resources (User 150, Review 1 rows)', false],
      ['record-ids', 'confirmed', '10 records of 7 kinds', false],
      ['dates', 'confirmed', '9 date values read', false],
      ['field-types', 'confirmed', 'every field read had its expected type', false],
      ['standard-codes', 'confirmed', '1 of 2 rows with a code', false],
      ['classroom-rows', 'confirmed', '1 row', false],
      ['placement-rows', 'confirmed', '2 rows', false],
      ['aim-search-rows', 'confirmed', '2 rows, all with the progress fields', false],
      ['aim-detail', 'confirmed', 'all four in 2 aims', false],
      ['review-search-rows', 'confirmed', '1 row with AssessorID, StartedOn and LearnerSignedOn', false],
      ['review-detail', 'confirmed', 'all four in 1 review', false],
      ['user-detail', 'confirmed', 'all 12 in 1 user', false],
    ]);
  });

  it('assumptions broken: contradictions name what was seen; only those that would write bad data block', () => {
    expect(table(scenario.broken)).toEqual([
      ['session-body', 'contradicted', 'a body that is not a session token (HTML, spaces or braces)', true],
      ['refused-session', 'contradicted', 'status 403', false],
      ['empty-search', 'contradicted', 'status 500, body other', false],
      ['search-array', 'contradicted', 'not an array from User, Placement', false],
      ['page-size', 'contradicted', 'pages over the page size from Review, Placement', false],
      ['record-ids', 'contradicted', '1 of 1 GET /User/{id} records without one', true],
      ['dates', 'contradicted', 'not ISO 8601: GET /User/{id} DOB (1 of 1)', true],
      ['field-types', 'contradicted', 'unexpected type: GET /User/{id} Role (1 of 1), POST /Placement/Search/{page}/{size} Name (1 of 1)', false],
      ['standard-codes', 'contradicted', 'none of 1 row has a code', false],
      ['classroom-rows', 'contradicted', '1 of 2 rows without a Name', false],
      ['placement-rows', 'contradicted', '1 of 1 rows without a Name', false],
      ['aim-search-rows', 'confirmed', '1 row without the progress fields', false],
      ['aim-detail', 'contradicted', 'absent from 1 aim: TotalCriteria, CompletedCriteria, CertificateReceivedDate', false],
      ['review-search-rows', 'contradicted', 'rows without LearnerID, ScheduledFor', false],
      ['review-detail', 'contradicted', 'absent from 1 review: StartedOn, LearnerSignedOn', true],
      ['user-detail', 'contradicted', 'absent from 1 user: LastName, Email, MISID, ULN, NINO, L12, L13, L15, StartOn, PlannedEndDate', false],
    ]);
    expect(blockingChecks(judgeContract(scenario.broken))).toEqual(['session-body', 'record-ids', 'dates', 'review-detail']);
  });

  it('other answers: quoted sessions, other refusals, unfiltered searches, empty organisations, mixed rows', () => {
    expect(table(scenario.otherAnswers)).toEqual([
      ['session-body', 'confirmed', 'a JSON-quoted session', false],
      ['refused-session', 'contradicted', 'status 500', false],
      ['empty-search', 'not-testable', '200 with rows: the filter (MISID) was not applied or matched', false],
      ['search-array', 'not-testable', 'no search page was read', false],
      ['page-size', 'not-testable', 'no search page was read', false],
      ['record-ids', 'confirmed', '1 record of 1 kind', false],
      ['dates', 'not-testable', 'no date value was present', false],
      ['field-types', 'confirmed', 'every field read had its expected type', false],
      ['standard-codes', 'not-testable', 'the organisation has no standards', false],
      ['classroom-rows', 'not-testable', 'the organisation has no classrooms', false],
      ['placement-rows', 'not-testable', 'the organisation has no placements', false],
      ['aim-search-rows', 'confirmed', '1 rows with the progress fields, 2 without', false],
      ['aim-detail', 'not-testable', 'no learning aim was read', false],
      ['review-search-rows', 'confirmed', '3 rows: 2 with every field D6 reads, 1 with Status only, 0 with neither', false],
      ['review-detail', 'confirmed', 'all four in 1 review', false],
      ['user-detail', 'not-testable', 'no user was read', false],
    ]);
  });

  it('a refused token makes the session check not testable and says which status came', () => {
    const checks = table(scenario.refusedToken);
    expect(checks.slice(0, 3)).toEqual([
      ['session-body', 'not-testable', 'status 401', false], ['refused-session', 'confirmed', 'status 401', false], ['empty-search', 'confirmed', '200 []', false],
    ]);
    expect(checks.slice(11, 15)).toEqual([
      ['aim-search-rows', 'confirmed', '1 row without the progress fields', false], ['aim-detail', 'not-testable', 'no learning aim was read', false],
      ['review-search-rows', 'confirmed', '1 row: 0 with every field D6 reads, 0 with Status only, 1 with neither', false], ['review-detail', 'not-testable', 'no review was read', false],
    ]);
  });

  it.each([
    [{ status: 199, form: null }, 'not-testable', 'status 199'],
    [{ status: 200, form: 'bare' }, 'confirmed', 'a plain-text session'],
    [{ status: 299, form: 'quoted' }, 'confirmed', 'a JSON-quoted session'],
    [{ status: 300, form: null }, 'not-testable', 'status 300'],
  ] as const)('login answered %j: %s', (authentication, verdict, seen) => {
    expect(judgeContract({ ...scenario.nothingRead, authentication })[0]).toMatchObject({ id: 'session-body', verdict, seen });
  });

  it.each([
    [{ status: 200, body: 'other' }, 'contradicted', 'status 200, body other'],
    [{ status: 200, body: 'none' }, 'contradicted', 'status 200, body none'],
    [{ status: 404, body: 'empty-array' }, 'contradicted', 'status 404, body empty-array'],
    [{ status: 404, body: 'rows' }, 'contradicted', 'status 404, body rows'],
  ] as const)('empty search answered %j: %s', (emptySearch, verdict, seen) => {
    expect(judgeContract({ ...scenario.nothingRead, emptySearch })[2]).toMatchObject({ id: 'empty-search', verdict, seen, blocks: false });
  });

  it('learning-aim rows: as many with the progress fields as without is still a mix', () => {
    expect(judgeContract({ ...scenario.nothingRead, aimRows: { full: 2, minimal: 2 } })[11]).toMatchObject({ verdict: 'confirmed', seen: '2 rows with the progress fields, 2 without' });
  });

  it.each(['nothingRead', 'allKept', 'broken', 'otherAnswers', 'refusedToken'] as const)('what the report tells an operator (%s)', (name) => {
    expect(judgeContract(scenario[name]).map((c) => `${c.id}: ${c.assumption} → ${c.meaning}`)).toMatchSnapshot();
  });
});

describe('record shapes (issue 23 edges)', () => {
  it('tells arrays and objects apart, and a null body is a record without an ID', () => {
    const shape = emptyShape();
    observeRecord(shape, 'placement', { ID: 2, Name: 'Acme', Tags: [], Contact: {} });
    observeRecord(shape, 'placement', null);
    expect(shape.fields.Tags).toEqual({ present: 1, types: { array: 1 } });
    expect(shape.fields.Contact).toEqual({ present: 1, types: { object: 1 } });
    expect(shape).toMatchObject({ records: 2, missingId: 1 });
  });

  it('keeps at most 100 field names, and still counts the ones it keeps', () => {
    const wide = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`F${i}`, i]));
    const shape = shapeOf('customer', { ID: 1, ...wide }, { ID: 2, F5: 1, F200: 2 });
    expect(Object.keys(shape.fields)).toHaveLength(100);
    expect(shape.fields.ID).toEqual({ present: 2, types: { number: 2 } });
    expect(shape.fields.F5).toEqual({ present: 2, types: { number: 2 } });
    expect(shape.fields.F200).toBeUndefined();
  });

  it('counts a field however OneFile spelt its case', () => {
    expect(presentCount(shapeOf('review', { ID: 1, StartedOn: null }, { ID: 2, startedon: null }), 'StartedOn')).toBe(2);
  });

  it('knows which fields are dates and which instants', () => {
    expect(dateFields('user')).toEqual(['DOB', 'StartOn', 'PlannedEndDate', 'LastModified']);
    expect(dateFields('aim')).toEqual(['StartDate', 'PlannedEnd', 'AchievedDate', 'RegistrationDate', 'CertificateAppliedDate', 'CertificateReceivedDate']);
  });
});

describe('kinds the probe read nothing of (issue 23 edges)', () => {
  it('an empty or absent shape makes its checks not testable, never contradicted', () => {
    const o = { ...scenario.nothingRead, organisationSet: true, shapes: { aim: emptyShape(), review: emptyShape(), classroomRow: emptyShape(), user: undefined } };
    const byId = new Map(judgeContract(o).map((c) => [c.id, [c.verdict, c.seen]]));
    expect(byId.get('record-ids')).toEqual(['not-testable', 'no record was read']);
    expect(byId.get('aim-detail')).toEqual(['not-testable', 'no learning aim was read']);
    expect(byId.get('review-detail')).toEqual(['not-testable', 'no review was read']);
    expect(byId.get('classroom-rows')).toEqual(['not-testable', 'the organisation has no classrooms']);
    expect(byId.get('user-detail')).toEqual(['not-testable', 'no user was read']);
  });
});
