import { dateFields, presentCount, RECORD_KINDS, type RecordKind, type RecordShape } from '../onefile/wire-shapes.js';

/*
 * The wire assumptions the worker relies on (SPEC "The OneFile wire contract", onefile-api.md), each judged
 * from what the contract probe saw: confirmed, contradicted (with what was seen), or not testable with this
 * data, and what that means for the worker. Pure: the probe (eportfolio/onefile/probe.ts) gathers the
 * observations, this decides. A contradiction `blocks` when jobs acting on such answers would write bad data
 * into PICS or OneFile; jobs then refuse to start (jobs/contract-gate.ts) until a later probe clears it.
 */

export type Verdict = 'confirmed' | 'contradicted' | 'not-testable';

export interface ContractCheck {
  id: string;
  assumption: string;
  verdict: Verdict;
  /** What the probe saw: field names, statuses, counts; never a value. */
  seen: string;
  /** What the verdict means for the worker. */
  meaning: string;
  /** A contradiction that stops jobs until a later probe shows otherwise. */
  blocks: boolean;
}

export interface SearchStats {
  pages: number;
  rows: number;
  /** 2xx answers whose body was not a JSON array (an envelope, HTML …). */
  notArray: number;
  /** Pages with more rows than the page size asked for. */
  overfull: number;
}

export interface ProbeObservations {
  /** POST /Authentication: the status, and the body's form when it was 2xx. */
  authentication: { status: number; form: 'bare' | 'quoted' | 'unusable' | null } | null;
  /** GET /Customer with a session OneFile never issued. */
  refusedSession: { status: number } | null;
  /** A User search that cannot match (a MIS id no PICS ident has): its status and whether a body came. */
  emptySearch: { status: number; body: 'none' | 'empty-array' | 'rows' | 'other' } | null;
  searches: Partial<Record<string, SearchStats>>;
  shapes: Partial<Record<RecordKind, RecordShape>>;
  /** Learning-aim search rows as the worker's reader classes them (records.ts: `full` = every detail field). */
  aimRows: { full: number; minimal: number };
  /** Review search rows: with every field D6 reads, with Status only, or neither. */
  reviewRows: { full: number; status: number; minimal: number };
  /** Standard rows with a code the links refresh can match (bracketed in Title, or Code). */
  standardsWithCode: number;
  /** The OneFile organisation of the settings was set (the organisation's searches need it). */
  organisationSet: boolean;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (names: string[]) => names.join(', ');

function check(id: string, assumption: string, verdict: Verdict, seen: string, meaning: string, blocks = false): ContractCheck {
  return { id, assumption, verdict, seen, meaning, blocks: verdict === 'contradicted' && blocks };
}

function sessionBody(o: ProbeObservations): ContractCheck {
  const assumption = 'POST /Authentication answers 200 with the session as plain text (or a JSON-quoted string)';
  const a = o.authentication;
  if (!a) return check('session-body', assumption, 'not-testable', 'no login was made', 'unknown until a probe can log in');
  if (a.status < 200 || a.status >= 300) {
    return check('session-body', assumption, 'not-testable', `status ${a.status}`,
      'OneFile refused the customer token: check pics.onefile_settings.customer_token and its environment (tokens are per environment)');
  }
  if (a.form === 'bare') return check('session-body', assumption, 'confirmed', 'a plain-text session', 'the worker uses the body as X-TokenID');
  if (a.form === 'quoted') return check('session-body', assumption, 'confirmed', 'a JSON-quoted session', 'the worker strips the quotes and uses the rest as X-TokenID');
  return check('session-body', assumption, 'contradicted', 'a body that is not a session token (HTML, spaces or braces)',
    'the worker cannot log in: every job would fail', true);
}

function refusedSession(o: ProbeObservations): ContractCheck {
  const assumption = 'a session OneFile does not know (expired) is answered 401, so the worker logs in again once and retries';
  const r = o.refusedSession;
  if (!r) return check('refused-session', assumption, 'not-testable', 'not tried', 'unknown');
  if (r.status === 401) return check('refused-session', assumption, 'confirmed', 'status 401', 'an expired or ended session costs one re-login, then work goes on');
  if (r.status === 403) {
    return check('refused-session', assumption, 'contradicted', 'status 403',
      'the worker does not log in again on a 403: a session OneFile ends early fails OneFile jobs (OneFileAuthError) until the worker renews it after 23 h');
  }
  return check('refused-session', assumption, 'contradicted', `status ${r.status}`, 'a refused session is not recognised as one: jobs may fail until the session is renewed');
}

function emptySearch(o: ProbeObservations): ContractCheck {
  const assumption = 'a search that matches nothing answers 204 (or 200 [])';
  const e = o.emptySearch;
  if (!e) return check('empty-search', assumption, 'not-testable', 'no search was made', 'unknown');
  if (e.status === 204) return check('empty-search', assumption, 'confirmed', '204', 'the worker reads it as no rows');
  if (e.status === 200 && e.body === 'empty-array') return check('empty-search', assumption, 'confirmed', '200 []', 'the worker reads it as no rows');
  if (e.status === 200 && e.body === 'rows') {
    return check('empty-search', assumption, 'not-testable', '200 with rows: the filter (MISID) was not applied or matched',
      'a MISID search may return users it does not name: the enrol looks users up by MIS id (E4 multi-centre) and would see too many');
  }
  return check('empty-search', assumption, 'contradicted', `status ${e.status}, body ${e.body}`, 'a search with no match fails the job reading it');
}

function searchBodies(o: ProbeObservations): ContractCheck[] {
  const stats = Object.entries(o.searches).filter((e): e is [string, SearchStats] => e[1] !== undefined);
  const pages = stats.reduce((n, [, s]) => n + s.pages, 0);
  const notArray = stats.filter(([, s]) => s.notArray > 0).map(([r]) => r);
  const overfull = stats.filter(([, s]) => s.overfull > 0).map(([r]) => r);
  const seen = `${count(pages, 'page')} of ${count(stats.length, 'resource')} (${list(stats.map(([r, s]) => `${r} ${s.rows}`))} rows)`;
  const none = pages === 0;
  return [
    none ? check('search-array', 'paged searches answer a bare JSON array, no envelope', 'not-testable', 'no search page was read', 'unknown')
      : notArray.length
        ? check('search-array', 'paged searches answer a bare JSON array, no envelope', 'contradicted', `not an array from ${list(notArray)}`,
          'every job searching these fails (OneFileBadResponseError)')
        : check('search-array', 'paged searches answer a bare JSON array, no envelope', 'confirmed', seen, 'the worker reads the rows as they come'),
    none ? check('page-size', 'a page holds at most the rows asked for; the last page is the first shorter one', 'not-testable', 'no search page was read', 'unknown')
      : overfull.length
        ? check('page-size', 'a page holds at most the rows asked for; the last page is the first shorter one', 'contradicted',
          `pages over the page size from ${list(overfull)}`, 'the worker cannot page these searches: jobs reading them fail')
        : check('page-size', 'a page holds at most the rows asked for; the last page is the first shorter one', 'confirmed', seen,
          'the worker stops at the first short page'),
  ];
}

function shapesSeen(o: ProbeObservations): [RecordKind, RecordShape][] {
  return (Object.entries(o.shapes) as [RecordKind, RecordShape | undefined][])
    .filter((e): e is [RecordKind, RecordShape] => e[1] !== undefined && e[1].records > 0);
}

function recordIds(o: ProbeObservations): ContractCheck {
  const assumption = 'every record carries ID, a positive integer';
  const shapes = shapesSeen(o);
  if (shapes.length === 0) return check('record-ids', assumption, 'not-testable', 'no record was read', 'unknown');
  const bad = shapes.filter(([, s]) => s.missingId > 0);
  if (bad.length === 0) {
    return check('record-ids', assumption, 'confirmed', `${count(shapes.reduce((n, [, s]) => n + s.records, 0), 'record')} of ${count(shapes.length, 'kind')}`,
      'records are matched by their OneFile id, as stored in PICS');
  }
  return check('record-ids', assumption, 'contradicted',
    list(bad.map(([k, s]) => `${s.missingId} of ${s.records} ${RECORD_KINDS[k].endpoint} records without one`)),
    'the worker matches every record by its id: without one it could link PICS to the wrong OneFile record', true);
}

function dates(o: ProbeObservations): ContractCheck {
  const assumption = 'dates and times are ISO 8601 (with or without Z; calendar dates read in Europe/London)';
  let seenDates = 0;
  const bad: string[] = [];
  for (const [kind, shape] of shapesSeen(o)) {
    for (const name of dateFields(kind)) {
      const fieldShape = Object.entries(shape.fields).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
      seenDates += fieldShape ? fieldShape.present - (fieldShape.types.null ?? 0) : 0;
      const unreadable = shape.unreadable[name] ?? 0;
      if (unreadable > 0) bad.push(`${RECORD_KINDS[kind].endpoint} ${name} (${unreadable} of ${shape.records})`);
    }
  }
  if (bad.length) {
    return check('dates', assumption, 'contradicted', `not ISO 8601: ${list(bad)}`,
      'dates in a form the worker does not know would be written into PICS wrong or not at all (D2–D6)', true);
  }
  if (seenDates === 0) return check('dates', assumption, 'not-testable', 'no date value was present', 'unknown with this data: probe again once learners have dates in OneFile');
  return check('dates', assumption, 'confirmed', `${count(seenDates, 'date value')} read`, 'dates are read and written as the SPEC says');
}

function fieldTypes(o: ProbeObservations): ContractCheck {
  const assumption = 'fields the worker reads have the types it expects (numbers and booleans may come as strings)';
  const shapes = shapesSeen(o);
  if (shapes.length === 0) return check('field-types', assumption, 'not-testable', 'no record was read', 'unknown');
  const bad: string[] = [];
  for (const [kind, shape] of shapes) {
    const dateNames = new Set(dateFields(kind));
    for (const [name, n] of Object.entries(shape.unreadable)) if (!dateNames.has(name)) bad.push(`${RECORD_KINDS[kind].endpoint} ${name} (${n} of ${shape.records})`);
  }
  if (bad.length) return check('field-types', assumption, 'contradicted', `unexpected type: ${list(bad)}`, 'jobs reading these records fail (OneFileBadResponseError) rather than guess');
  return check('field-types', assumption, 'confirmed', 'every field read had its expected type', 'records are read as they come');
}

function aimRows(o: ProbeObservations): ContractCheck {
  const assumption = 'learning-aim search rows carry every field of GET /LearningAim/{id}, or only ID, StandardID, UserID, Status';
  const { full, minimal } = o.aimRows;
  if (full + minimal === 0) return check('aim-search-rows', assumption, 'not-testable', 'no learning aim was found', 'the sync searches first and learns from its own answers');
  if (minimal === 0) {
    return check('aim-search-rows', assumption, 'confirmed', `${count(full, 'row')}, all with the progress fields`,
      'learning-aim search rows carry the progress fields: the sync will not GET each aim');
  }
  const shape = full === 0 ? `${count(minimal, 'row')} without the progress fields` : `${full} rows with the progress fields, ${minimal} without`;
  return check('aim-search-rows', assumption, 'confirmed', shape,
    'learning-aim search rows lack the progress fields: the sync GETs each aim by its id and skips the search');
}

function aimDetail(o: ProbeObservations): ContractCheck {
  const assumption = 'GET /LearningAim/{id} carries TotalCriteria, CompletedCriteria, Progress and CertificateReceivedDate (assumed names)';
  const shape = o.shapes.aim;
  if (!shape || shape.records === 0) return check('aim-detail', assumption, 'not-testable', 'no learning aim was read', 'unknown with this data');
  const missing = ['TotalCriteria', 'CompletedCriteria', 'Progress', 'CertificateReceivedDate'].filter((f) => presentCount(shape, f) === 0);
  if (missing.length === 0) return check('aim-detail', assumption, 'confirmed', `all four in ${count(shape.records, 'aim')}`, 'D1 element counts and D4 are read from OneFile');
  return check('aim-detail', assumption, 'contradicted', `absent from ${count(shape.records, 'aim')}: ${list(missing)}`,
    'read as blank: D1 leaves Total Elements / Elements Done as PICS has them, D4 never fills Certificate Received from OneFile');
}

function reviewRows(o: ProbeObservations): ContractCheck {
  const assumption = 'review search rows carry at least ID, LearnerID and ScheduledFor, and may carry Status, AssessorID, StartedOn and signed dates';
  const { full, status, minimal } = o.reviewRows;
  const total = full + status + minimal;
  if (total === 0) return check('review-search-rows', assumption, 'not-testable', 'no review was found', 'the sync reads open reviews by GET until rows show more');
  const shape = o.shapes.reviewRow;
  const lacking = shape ? ['LearnerID', 'ScheduledFor'].filter((f) => presentCount(shape, f) < shape.records) : [];
  if (lacking.length) {
    return check('review-search-rows', assumption, 'contradicted', `rows without ${list(lacking)}`,
      'reviews are matched on their stored id, but their schedule is read by GET each day');
  }
  if (full === total) {
    return check('review-search-rows', assumption, 'confirmed', `${count(total, 'row')} with AssessorID, StartedOn and LearnerSignedOn`,
      'review rows carry what D6 reads: a review unchanged since it was last read is not read again');
  }
  return check('review-search-rows', assumption, 'confirmed',
    `${count(total, 'row')}: ${full} with every field D6 reads, ${status} with Status only, ${minimal} with neither`,
    'review rows carry no StartedOn/LearnerSignedOn: open reviews are read each day (GET /Review/{id})');
}

function reviewDetail(o: ProbeObservations): ContractCheck {
  const assumption = 'GET /Review/{id} carries AssessorID, ScheduledFor, StartedOn and LearnerSignedOn';
  const shape = o.shapes.review;
  if (!shape || shape.records === 0) return check('review-detail', assumption, 'not-testable', 'no review was read', 'unknown with this data');
  const missing = ['AssessorID', 'ScheduledFor', 'StartedOn', 'LearnerSignedOn'].filter((f) => presentCount(shape, f) === 0);
  if (missing.length === 0) return check('review-detail', assumption, 'confirmed', `all four in ${count(shape.records, 'review')}`, 'D6 reads attendance, the officer and Trainee Signed from OneFile');
  return check('review-detail', assumption, 'contradicted', `absent from ${count(shape.records, 'review')}: ${list(missing)}`,
    'read as blank: D6 would mark held reviews as not attended or leave the officer and Trainee Signed unchanged', missing.includes('StartedOn'));
}

function userDetail(o: ProbeObservations): ContractCheck {
  const assumption = 'GET /User/{id} carries the learner fields of E1 (names, Email, MISID, DOB, ULN, NINO, L12, L13, L15, StartOn, PlannedEndDate)';
  const shape = o.shapes.user;
  if (!shape || shape.records === 0) return check('user-detail', assumption, 'not-testable', 'no user was read', 'unknown with this data');
  const wanted = ['FirstName', 'LastName', 'Email', 'MISID', 'DOB', 'ULN', 'NINO', 'L12', 'L13', 'L15', 'StartOn', 'PlannedEndDate'];
  const missing = wanted.filter((f) => presentCount(shape, f) === 0);
  if (missing.length === 0) return check('user-detail', assumption, 'confirmed', `all ${wanted.length} in ${count(shape.records, 'user')}`, 'D7 pull reads learner demographics from OneFile');
  return check('user-detail', assumption, 'contradicted', `absent from ${count(shape.records, 'user')}: ${list(missing)}`,
    'D7 in pull mode would read these as blank: keep learner demographics mode at none or push until this is understood');
}

function standardCodes(o: ProbeObservations): ContractCheck {
  const assumption = 'standard rows carry Title, with the learning-aim code in square brackets at its end or in Code';
  const shape = o.shapes.standardRow;
  if (!o.organisationSet) return check('standard-codes', assumption, 'not-testable', 'no OneFile organisation is set in pics.onefile_settings', 'set organisation_id and probe again');
  if (!shape || shape.records === 0) return check('standard-codes', assumption, 'not-testable', 'the organisation has no standards', 'no qualification can link until it has');
  if (o.standardsWithCode === 0) {
    return check('standard-codes', assumption, 'contradicted', `none of ${count(shape.records, 'row')} has a code`,
      'Refresh Qualification Links would link no qualification (Q1): enrols send no learning aims');
  }
  return check('standard-codes', assumption, 'confirmed', `${o.standardsWithCode} of ${count(shape.records, 'row')} with a code`, 'qualifications link by their VQ reference (Q1)');
}

function named(kind: RecordKind, id: string, what: string, meaning: string, o: ProbeObservations): ContractCheck {
  const assumption = `${RECORD_KINDS[kind].endpoint} rows carry ID and Name`;
  const shape = o.shapes[kind];
  if (!o.organisationSet) return check(id, assumption, 'not-testable', 'no OneFile organisation is set', 'set organisation_id and probe again');
  if (!shape || shape.records === 0) return check(id, assumption, 'not-testable', `the organisation has no ${what}`, 'unknown with this data');
  const noName = shape.records - presentCount(shape, 'Name');
  if (noName > 0 || shape.unreadable.Name) return check(id, assumption, 'contradicted', `${noName || shape.unreadable.Name} of ${shape.records} rows without a Name`, meaning);
  return check(id, assumption, 'confirmed', count(shape.records, 'row'), `${what} are found by name`);
}

/** Every check, in the order the report shows them. */
export function judgeContract(o: ProbeObservations): ContractCheck[] {
  return [
    sessionBody(o),
    refusedSession(o),
    emptySearch(o),
    ...searchBodies(o),
    recordIds(o),
    dates(o),
    fieldTypes(o),
    standardCodes(o),
    named('classroomRow', 'classroom-rows', 'classrooms', 'E6 cannot find a classroom by name: every enrol would fail', o),
    named('placementRow', 'placement-rows', 'placements', 'E5 cannot find an employer by name: every enrol would fail', o),
    aimRows(o),
    aimDetail(o),
    reviewRows(o),
    reviewDetail(o),
    userDetail(o),
  ];
}

/** The ids of the contradicted checks that stop jobs. */
export function blockingChecks(checks: readonly ContractCheck[]): string[] {
  return checks.filter((c) => c.blocks).map((c) => c.id);
}
