import { describe, expect, it } from '@jest/globals';
import { OneFileBadResponseError } from '../../src/onefile/errors.js';
import type { WireResponse } from '../../src/onefile/http.js';
import { createdId, objectBody, rowsBody, sessionBody } from '../../src/onefile/parse.js';
import { readLearningAimSummary, readPlacement, readReview, readUser } from '../../src/onefile/records.js';

// The documented variants the simulator does not send by default (onefile-api.md §2, §3.3, §3.4, §7.6): read
// by the pure parsers on answers as they come off the wire. The HTTP path itself is covered in client*.test.ts.

const answer = (body: string, extra: Partial<WireResponse> = {}): WireResponse => ({
  status: 200, contentType: 'application/json', retryAfter: undefined, body, ...extra,
});

function badField(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OneFileBadResponseError);
    return (error as OneFileBadResponseError).field;
  }
  throw new Error('expected a bad response');
}

describe('lenient reading of documented variants', () => {
  it('session: plain text or a JSON-quoted string', () => {
    expect(sessionBody('POST /Authentication', answer('abc-123', { contentType: 'text/plain' }))).toBe('abc-123');
    expect(sessionBody('POST /Authentication', answer('"abc-123"\n'))).toBe('abc-123');
    for (const body of ['', '""', 'two words', '<html>oops</html>', '{"ID":1}']) {
      expect(badField(() => sessionBody('POST /Authentication', answer(body)))).toBe('session');
    }
  });

  it('created ids: bare, quoted, or an object with ID (any key case)', () => {
    expect(createdId('POST /Review', answer('4100001'))).toBe(4100001);
    expect(createdId('POST /Review', answer('"4100001"'))).toBe(4100001);
    expect(createdId('POST /Placement', answer('{"ID": 19001, "Name": "x"}'))).toBe(19001);
    expect(createdId('POST /Placement', answer('{"id": "19002"}'))).toBe(19002);
    expect(badField(() => createdId('POST /Review', answer('0')))).toBe('ID');
    expect(badField(() => createdId('POST /Review', answer('"abc"')))).toBe('ID');
    expect(badField(() => createdId('POST /Placement', answer('{"Name": "no id"}')))).toBe('ID');
    expect(badField(() => createdId('POST /Review', answer('')))).toBe('body');
  });

  it("dates with or without Z; numbers and booleans sent as strings; keys in any case", () => {
    const user = objectBody('GET /User/{id}', answer(JSON.stringify({
      id: '17', role: 1, DOB: '2004-05-01T00:00:00', StartOn: '2026-09-01T00:00:00.000Z',
      PlannedEndDate: '2027-03-31T23:00:00.000Z', LastModified: '2025-06-01T10:15:00', Archived: 'True', L12: '31',
    })), readUser);
    expect(user).toMatchObject({
      id: 17, role: 1, dob: '2004-05-01', startOn: '2026-09-01', plannedEndDate: '2027-04-01',
      lastModified: '2025-06-01T10:15:00.000Z', archived: true, l12: '31', email: null,
    });
    const review = objectBody('GET /Review/{id}', answer(JSON.stringify({
      ID: 5, ScheduledFor: '2026-07-01T10:00:00+01:00', StartedOn: null, VisitID: null,
    })), readReview);
    expect(review).toMatchObject({ id: 5, scheduledFor: '2026-07-01T09:00:00.000Z', startedOn: null, visitId: null });
    expect(objectBody('GET /Placement/{id}', answer('{"ID":1,"Name":"Acme","Active":"true"}'), readPlacement)).toEqual({ id: 1, name: 'Acme', misId: null, address: null, email: null, telephone: null, web: null });
  });

  it('search pages: 204 or [] are no rows; full learning-aim rows are recognised', () => {
    expect(rowsBody('POST /Review/Search/{page}/{size}', answer('', { status: 204, contentType: '' }), 10, readReview)).toEqual([]);
    expect(rowsBody('POST /Review/Search/{page}/{size}', answer('[]'), 10, readReview)).toEqual([]);
    const minimal = { ID: 1, StandardID: 2, UserID: 3, Status: 0 };
    const full = {
      ...minimal, StartDate: '2026-01-05T00:00:00.000Z', PlannedEnd: null, AchievedDate: null, RegistrationNumber: 'R1',
      RegistrationDate: null, CertificateAppliedDate: null, CertificateReceivedDate: null, TotalCriteria: 10, CompletedCriteria: '4',
      Progress: '40.5',
    };
    const [a, b] = rowsBody('POST /LearningAim/Search/{page}/{size}', answer(JSON.stringify([minimal, full])), 10, readLearningAimSummary);
    expect(a!.full).toBeNull();
    expect(b!.full).toMatchObject({ id: 1, startDate: '2026-01-05', registrationNumber: 'R1', completedCriteria: 4, progress: 40.5 });
  });
});

describe('strict where the worker relies on it', () => {
  it('names the field: wrong types, missing ids, unreadable dates, more rows than the page size', () => {
    expect(badField(() => objectBody('GET /User/{id}', answer('{"ID": 1, "DefaultAssessorID": "#5"}'), readUser))).toBe('DefaultAssessorID');
    expect(badField(() => objectBody('GET /User/{id}', answer('{"ID": 1, "FirstName": 0}'), readUser))).toBe('FirstName');
    expect(badField(() => objectBody('GET /User/{id}', answer('{"ID": 1, "DOB": "yesterday"}'), readUser))).toBe('DOB');
    expect(badField(() => objectBody('GET /User/{id}', answer('{"ID": 1, "Archived": "maybe"}'), readUser))).toBe('Archived');
    expect(badField(() => objectBody('GET /User/{id}', answer('[{"ID": 1}]'), readUser))).toBe('body');
    expect(badField(() => objectBody('GET /User/{id}', answer('<html></html>', { contentType: 'text/html' }), readUser))).toBe('body');
    expect(badField(() => rowsBody('POST /Review/Search/{page}/{size}', answer('[{"ID":1},{"LearnerID":2}]'), 10, readReview))).toBe('[1].ID');
    expect(badField(() => rowsBody('POST /Review/Search/{page}/{size}', answer('{"ID":1}'), 10, readReview))).toBe('body');
    expect(badField(() => rowsBody('POST /Review/Search/{page}/{size}', answer('[{"ID":1},{"ID":2}]'), 1, readReview))).toBe('body');
  });
});
