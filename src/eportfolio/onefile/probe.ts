import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/handle.js';
import type { Logger } from '../../logging/logger.js';
import type { InspectGetTemplate, InspectSearchResource, WireResponse } from '../../onefile/client.js';
import type { OneFileClientFactory } from '../../onefile/factory.js';
import { AUTHENTICATION } from '../../onefile/endpoints.js';
import { OneFileError } from '../../onefile/errors.js';
import { RecordReader, sessionBody } from '../../onefile/parse.js';
import { readLearningAimSummary, readReviewSummary } from '../../onefile/records.js';
import { ONEFILE_ROLE } from '../../onefile/types.js';
import { readOneFileSettings } from '../../pics/index.js';
import { extractStandardCode } from '../../rules/qualification-codes.js';
import { blockingChecks, judgeContract, type ProbeObservations, type SearchStats } from '../../rules/wire-contract.js';
import { emptyShape, observeRecord, RECORD_KINDS, type RecordKind, type RecordShape } from '../../onefile/wire-shapes.js';
import { recordProbeReport, type ProbeReport, type StoredProbeReport } from '../../store/probe-reports.js';
import { seedAimSearchShape } from './aim-search-shape.js';

/*
 * Issue 22, the read-only contract probe: with the site's own settings (token, environment, and the base-URL
 * override of config), it logs in, reads the customer and pages through a few searches of the organisation
 * (learners, assessors, standards, classrooms, placements; learning aims and reviews of a few learners),
 * GETs a handful of the records found, and judges each wire assumption (rules/wire-contract.ts). Only
 * POST /Authentication, GETs and POST …/Search/… exist on the inspector it uses, so it cannot write to
 * OneFile; it writes nothing to PICS, only its report to the worker's schema. Every call goes through the
 * shared budget and session (the normal client factory) and never more than `maxCalls` of them. No BullMQ:
 * the CLI runs it, and PICSWeb's HTTP API can.
 */

export interface ProbeContext {
  db: Kysely<DB>;
  createClient: OneFileClientFactory;
  /** config.probe.maxCalls. */
  maxCalls: number;
  logger: Logger;
  signal?: AbortSignal;
}

export class ProbeError extends Error {
  override name = 'ProbeError';
}

/** Rows per page: small, so a few calls show paging without reading the organisation. */
export const PROBE_PAGE_SIZE = 10;
const MAX_PAGES = 2;
/** Learners whose learning aims and reviews are searched. */
const LEARNERS = 3;
/** Records of each kind read by GET. */
const GETS = 2;
/** The most attempts one call can take: a login when there is no session, then the call. */
const CALL_RESERVE = 2;

type Parsed = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'invalid' };

function parse(response: WireResponse): Parsed {
  const text = response.body.trim();
  if (response.status === 204 || text === '') return { kind: 'none' };
  if (response.contentType === 'text/html') return { kind: 'invalid' };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'invalid' };
  }
}

/** An id the worker's reader accepts, or null. */
function idOf(endpoint: string, row: unknown): number | null {
  try {
    return RecordReader.of(endpoint, row).id();
  } catch {
    return null;
  }
}

/** Name, endpoint template and status: OneFile's own message may quote what it was sent, so it is left out. */
function describe(error: unknown): string {
  if (error instanceof OneFileError) return `${error.name} at ${error.endpoint}${error.status ? ` (${error.status})` : ''}`;
  return error instanceof Error ? error.name : 'an unknown failure';
}

export async function probeOneFile(ctx: ProbeContext): Promise<StoredProbeReport> {
  const settings = await readOneFileSettings(ctx.db);
  if (!settings) throw new ProbeError('pics.onefile_settings has no row: there is nothing to probe');
  if (!settings.customerToken) throw new ProbeError('no customer token is set in pics.onefile_settings');
  const startedAt = new Date();
  const { maxCalls } = ctx;

  // The cap, twice: each step checks there is room for it, and a call past the cap is aborted before it is sent.
  const cap = new AbortController();
  const calls: ProbeReport['calls'] = {};
  let attempts = 0;
  const client = ctx.createClient(settings, {
    logger: ctx.logger,
    signal: ctx.signal ? AbortSignal.any([ctx.signal, cap.signal]) : cap.signal,
    onRequest: (info) => {
      attempts += 1;
      const byStatus = (calls[info.endpoint] ??= {});
      const status = String(info.status ?? 'none');
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (attempts >= maxCalls) cap.abort(new ProbeError('probe.maxCalls reached'));
    },
  });

  const shapes: Partial<Record<RecordKind, RecordShape>> = {};
  const searches: Partial<Record<string, SearchStats>> = {};
  const failures: string[] = [];
  const obs: ProbeObservations = {
    authentication: null, refusedSession: null, emptySearch: null, searches, shapes,
    aimRows: { full: 0, minimal: 0 }, reviewRows: { full: 0, status: 0, minimal: 0 }, standardsWithCode: 0,
    organisationSet: settings.organisationId !== null,
  };
  let stoppedBecause: string | null = null;
  const capReached = `the call cap was reached (probe.maxCalls = ${maxCalls})`;

  /** One call, if there is room and nothing has stopped the probe; null otherwise. */
  async function send(call: () => Promise<WireResponse>): Promise<WireResponse | null> {
    if (stoppedBecause) return null;
    if (client.callsMade() + CALL_RESERVE > maxCalls) {
      stoppedBecause = capReached;
      return null;
    }
    try {
      return await call();
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      stoppedBecause = cap.signal.aborted ? capReached : describe(error);
      return null;
    }
  }

  const observe = (kind: RecordKind, record: unknown) => observeRecord((shapes[kind] ??= emptyShape()), kind, record);

  async function get(template: InspectGetTemplate, kind: RecordKind, id?: number): Promise<unknown> {
    const response = await send(() => client.inspect.get(template, id === undefined ? {} : { id }));
    if (!response) return null;
    const body = parse(response);
    if (response.status < 200 || response.status >= 300) {
      failures.push(`${RECORD_KINDS[kind].endpoint} answered ${response.status}`);
      return null;
    }
    observe(kind, body.kind === 'json' ? body.value : null);
    return body.kind === 'json' ? body.value : null;
  }

  /** Up to `maxPages` pages of a search; the rows, each already observed. */
  async function search(resource: InspectSearchResource, filter: object, kind: RecordKind, maxPages: number): Promise<unknown[]> {
    const stats = (searches[resource] ??= { pages: 0, rows: 0, notArray: 0, overfull: 0 });
    const rows: unknown[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const response = await send(() => client.inspect.search(resource, filter, page, PROBE_PAGE_SIZE));
      if (!response) break;
      if (response.status < 200 || response.status >= 300) {
        failures.push(`${RECORD_KINDS[kind].endpoint} answered ${response.status}`);
        break;
      }
      stats.pages += 1;
      const body = parse(response);
      if (body.kind === 'none' && response.status === 204) break;
      if (body.kind !== 'json' || !Array.isArray(body.value)) {
        stats.notArray += 1;
        break;
      }
      if (body.value.length > PROBE_PAGE_SIZE) stats.overfull += 1;
      for (const row of body.value) observe(kind, row);
      stats.rows += body.value.length;
      rows.push(...body.value);
      if (body.value.length < PROBE_PAGE_SIZE) break;
    }
    return rows;
  }

  const ids = (kind: RecordKind, rows: unknown[]) =>
    rows.map((row) => idOf(RECORD_KINDS[kind].endpoint, row)).filter((id): id is number => id !== null);

  // 1. Authentication: the body's form, then how a session OneFile never issued is refused.
  const login = await send(() => client.inspect.authentication());
  if (login) {
    let form: 'bare' | 'quoted' | 'unusable' | null = null;
    if (login.status >= 200 && login.status < 300) {
      try {
        sessionBody(AUTHENTICATION.endpoint, login); // looked at, then dropped: the shared session is left alone
        form = login.body.trim().startsWith('"') ? 'quoted' : 'bare';
      } catch {
        form = 'unusable';
      }
    }
    obs.authentication = { status: login.status, form };
    if (form !== 'bare' && form !== 'quoted') stoppedBecause ??= `POST /Authentication answered ${login.status}${form ? ' with no usable session' : ''}`;
  }
  const refused = await send(() => client.inspect.customerWithSession(`probe-${randomUUID()}`));
  if (refused) obs.refusedSession = { status: refused.status };

  // 2. The connection test's call, and a search that can match nothing (no PICS ident looks like this).
  await get('/Customer', 'customer');
  const organisationId = settings.organisationId;
  const noMatch = await send(() => client.inspect.search('User', {
    ...(organisationId ? { OrganisationID: organisationId } : {}), MISID: `PROBE-${randomUUID().slice(0, 8)}`,
  }, 1, PROBE_PAGE_SIZE));
  if (noMatch) {
    const body = parse(noMatch);
    obs.emptySearch = {
      status: noMatch.status,
      body: body.kind === 'none' ? 'none' : body.kind === 'json' && Array.isArray(body.value) ? (body.value.length ? 'rows' : 'empty-array') : 'other',
    };
  }

  // 3. The organisation's searches, then the learning aims and reviews of a few of its learners.
  if (organisationId) {
    const learners = ids('userRow', await search('User', { OrganisationID: organisationId, Role: ONEFILE_ROLE.learner }, 'userRow', MAX_PAGES));
    await search('User', { OrganisationID: organisationId, Role: ONEFILE_ROLE.assessor }, 'userRow', 1);
    for (const row of await search('Standard', { OrganisationID: organisationId }, 'standardRow', MAX_PAGES)) {
      try {
        const r = RecordReader.of(RECORD_KINDS.standardRow.endpoint, row);
        if (extractStandardCode(r.string('Title') ?? '', r.string('Code'))) obs.standardsWithCode += 1;
      } catch {
        // counted as unreadable by its shape
      }
    }
    await search('Classroom', { OrganisationID: organisationId }, 'classroomRow', 1);
    const placements = ids('placementRow', await search('Placement', { OrganisationID: organisationId }, 'placementRow', 1));

    const aims: number[] = [];
    const reviews: number[] = [];
    for (const learnerId of learners.slice(0, LEARNERS)) {
      const aimRows = await search('LearningAim', { UserID: learnerId }, 'aimRow', 1);
      for (const row of aimRows) {
        try {
          const summary = readLearningAimSummary(RecordReader.of(RECORD_KINDS.aimRow.endpoint, row));
          obs.aimRows[summary.full ? 'full' : 'minimal'] += 1;
        } catch {
          obs.aimRows.minimal += 1; // unreadable: its shape says why
        }
      }
      aims.push(...ids('aimRow', aimRows));
      const reviewRows = await search('Review', { LearnerID: learnerId }, 'reviewRow', 1);
      for (const row of reviewRows) {
        try {
          const summary = readReviewSummary(RecordReader.of(RECORD_KINDS.reviewRow.endpoint, row));
          obs.reviewRows[summary.full ? 'full' : summary.status !== undefined ? 'status' : 'minimal'] += 1;
        } catch {
          obs.reviewRows.minimal += 1;
        }
      }
      reviews.push(...ids('reviewRow', reviewRows));
    }

    // 4. A handful of GETs of what the searches found.
    for (const id of learners.slice(0, GETS)) await get('/User/{id}', 'user', id);
    for (const id of aims.slice(0, GETS)) await get('/LearningAim/{id}', 'aim', id);
    for (const id of reviews.slice(0, GETS)) await get('/Review/{id}', 'review', id);
    for (const id of placements.slice(0, 1)) await get('/Placement/{id}', 'placement', id);
  }

  const checks = judgeContract(obs);
  const { full, minimal } = obs.aimRows;
  const report: ProbeReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: settings.environment,
    customerKey: client.customerKey,
    callsMade: client.callsMade(),
    maxCalls,
    complete: stoppedBecause === null && failures.length === 0,
    stoppedBecause,
    failures,
    checks,
    blocking: blockingChecks(checks),
    aimSearchRows: full + minimal === 0 ? null : minimal === 0 ? 'full' : full === 0 ? 'minimal' : 'mixed',
    shapes: Object.fromEntries((Object.entries(shapes) as [RecordKind, RecordShape][]).map(([kind, shape]) => [RECORD_KINDS[kind].endpoint, shape])),
    calls,
  };
  const id = await recordProbeReport(ctx.db, report);
  // In this process the sync starts from what the probe saw (a worker seeds itself at start: probe-seed.ts).
  seedAimSearchShape(report.customerKey, report.aimSearchRows);
  ctx.logger.info({ reportId: id, callsMade: report.callsMade, complete: report.complete, blocking: report.blocking }, 'OneFile contract probe finished');
  return { id, report };
}
