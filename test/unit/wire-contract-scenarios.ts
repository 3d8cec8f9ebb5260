import type { ProbeObservations } from '../../src/rules/wire-contract.js';
import { emptyShape, observeRecord, type RecordKind, type RecordShape } from '../../src/onefile/wire-shapes.js';

// Probe observations for the wire-contract tests: one with nothing read, one where OneFile keeps every assumption,
// and three where it breaks them in different ways. Values are made up; only their shapes matter.

export function shapeOf(kind: RecordKind, ...records: unknown[]): RecordShape {
  const shape = emptyShape();
  for (const r of records) observeRecord(shape, kind, r);
  return shape;
}

const user = {
  ID: 7, FirstName: 'A', LastName: 'B', Email: 'a@b.example', MISID: 'L1', DOB: '2001-04-02T00:00:00Z', ULN: '1234567890', NINO: 'AB123456C',
  L12: '31', L13: 'F', L15: '98', StartOn: '2026-01-05T00:00:00Z', PlannedEndDate: '2027-01-05T00:00:00Z',
};
const aim = { ID: 3, UserID: 7, StandardID: 5, Status: 0, StartDate: '2026-01-05T00:00:00Z', TotalCriteria: 10, CompletedCriteria: 2, Progress: 20, CertificateReceivedDate: null };
const review = { ID: 1, LearnerID: 7, AssessorID: 3, ScheduledFor: '2026-11-02T10:00:00Z', StartedOn: '2026-11-02T10:05:00Z', LearnerSignedOn: null };

export const nothingRead: ProbeObservations = {
  authentication: null, refusedSession: null, emptySearch: null, searches: {}, shapes: {},
  aimRows: { full: 0, minimal: 0 }, reviewRows: { full: 0, status: 0, minimal: 0 }, standardsWithCode: 0, organisationSet: false,
};

export const allKept: ProbeObservations = {
  authentication: { status: 200, form: 'bare' }, refusedSession: { status: 401 }, emptySearch: { status: 204, body: 'none' },
  searches: { User: { pages: 2, rows: 150, notArray: 0, overfull: 0 }, Review: { pages: 1, rows: 1, notArray: 0, overfull: 0 }, Classroom: undefined },
  shapes: {
    user: shapeOf('user', user), aim: shapeOf('aim', aim, { ...aim, ID: 4 }), review: shapeOf('review', review),
    reviewRow: shapeOf('reviewRow', review), standardRow: shapeOf('standardRow', { ID: 5, Title: 'A [ST1]' }, { ID: 6, Title: 'B' }),
    classroomRow: shapeOf('classroomRow', { ID: 1, Name: 'All Learners' }), placementRow: shapeOf('placementRow', { ID: 2, Name: 'Acme' }, { ID: 3, Name: 'Bcme' }),
    customer: emptyShape(),
  },
  aimRows: { full: 2, minimal: 0 }, reviewRows: { full: 1, status: 0, minimal: 0 }, standardsWithCode: 1, organisationSet: true,
};

export const broken: ProbeObservations = {
  authentication: { status: 200, form: 'unusable' }, refusedSession: { status: 403 }, emptySearch: { status: 500, body: 'other' },
  searches: { User: { pages: 1, rows: 3, notArray: 1, overfull: 0 }, Review: { pages: 1, rows: 60, notArray: 0, overfull: 1 }, Placement: { pages: 1, rows: 70, notArray: 1, overfull: 1 } },
  shapes: {
    user: shapeOf('user', { ID: 'x', FirstName: 'A', DOB: '02/04/2001', Role: 'learner' }),
    aim: shapeOf('aim', { ID: 3, Progress: 5 }),
    review: shapeOf('review', { ID: 1, AssessorID: 3, ScheduledFor: '2026-11-02T10:00:00Z' }),
    reviewRow: shapeOf('reviewRow', { ID: 1, ScheduledFor: '2026-11-02T10:00:00Z' }, { ID: 2 }),
    standardRow: shapeOf('standardRow', { ID: 5, Title: 'A' }),
    classroomRow: shapeOf('classroomRow', { ID: 1 }, { ID: 2, Name: 'B' }),
    placementRow: shapeOf('placementRow', { ID: 2, Name: 17 }),
  },
  aimRows: { full: 0, minimal: 1 }, reviewRows: { full: 0, status: 1, minimal: 1 }, standardsWithCode: 0, organisationSet: true,
};

export const otherAnswers: ProbeObservations = {
  authentication: { status: 200, form: 'quoted' }, refusedSession: { status: 500 }, emptySearch: { status: 200, body: 'rows' },
  searches: { User: { pages: 0, rows: 0, notArray: 0, overfull: 0 } },
  shapes: { user: emptyShape(), review: shapeOf('review', { ID: 1, LearnerID: 7, AssessorID: 3, ScheduledFor: null, StartedOn: null, LearnerSignedOn: null }), standardRow: emptyShape() },
  aimRows: { full: 1, minimal: 2 }, reviewRows: { full: 2, status: 1, minimal: 0 }, standardsWithCode: 0, organisationSet: true,
};

export const refusedToken: ProbeObservations = {
  ...nothingRead, authentication: { status: 401, form: null }, refusedSession: { status: 401 }, emptySearch: { status: 200, body: 'empty-array' },
  aimRows: { full: 0, minimal: 1 }, reviewRows: { full: 0, status: 0, minimal: 1 },
};
