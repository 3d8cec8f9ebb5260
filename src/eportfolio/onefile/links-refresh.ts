import type { Kysely } from 'kysely';
import { withEntityLock } from '../../db/entity-lock.js';
import type { DB } from '../../db/handle.js';
import type { Logger } from '../../logging/logger.js';
import type { OneFileClient } from '../../onefile/client.js';
import type { OneFileStandard } from '../../onefile/types.js';
import { listQualifications } from '../../pics/index.js';
import { linksFreshness, linksNote, type LinksFreshness } from '../../rules/links-age.js';
import { matchQualifications, standardCode } from '../../rules/qualification-codes.js';
import { finishLinkRefresh, lastCompletedLinkRefresh, saveLinkRefresh, startLinkRefresh, type LinkRefreshCounts } from '../../store/links.js';

/*
 * Refresh Qualification Links (Q1–Q3), shared by the refresh job and by an enrol that finds the links never
 * refreshed or too old (E2). Both take one advisory lock per organisation, so a refresh job and any number of
 * enrols in any process make one refresh between them: whoever waited re-reads and finds the links fresh.
 */

export interface LinkRefreshSummary extends LinkRefreshCounts {
  refreshId: number;
  organisationId: number;
}

export interface LinksCtx {
  db: Kysely<DB>;
  client: OneFileClient;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

/** A refresh reads every standard page by page: waiting for one in progress may take minutes, not seconds. */
const LINKS_LOCK_WAIT_MS = 10 * 60_000;

/** The advisory lock of one organisation's links refresh (exported for tests that hold it). */
export const linksRefreshLockKey = (organisationId: number) => `onefile:links-refresh:${organisationId}`;

/** Reads every standard of the organisation (paged), matches codes and records links and the refresh row. */
async function refreshLinks(ctx: LinksCtx, organisationId: number, jobId: string | null): Promise<LinkRefreshSummary> {
  const { db, client } = ctx;
  const callsBefore = client.callsMade();
  const refreshId = await startLinkRefresh(db, organisationId, jobId);
  try {
    const standards: OneFileStandard[] = [];
    for await (const page of client.searchStandards(organisationId)) standards.push(...page);
    const qualifications = await listQualifications(db);
    const matches = matchQualifications(qualifications.map((q) => ({ id: q.id, vqReference: q.vqReference })), standards);
    const seen = standards.map((s) => ({ id: s.id, title: s.title, ...standardCode(s) }));
    const { linksAdded, linksGone } = await saveLinkRefresh(db, refreshId, organisationId, seen, matches);
    const linked = matches.filter((m) => m.standardIds.length > 0).length;
    const summary: LinkRefreshSummary = {
      refreshId, organisationId, standardsSeen: standards.length, qualificationsLinked: linked,
      qualificationsNotAvailable: matches.length - linked, linksAdded, linksGone, callsMade: client.callsMade() - callsBefore,
    };
    await finishLinkRefresh(db, refreshId, { status: 'completed', counts: summary });
    return summary;
  } catch (error) {
    await finishLinkRefresh(db, refreshId, { status: 'failed', error: error instanceof Error ? error.message : String(error), callsMade: client.callsMade() - callsBefore });
    throw error;
  }
}

/** The refresh job: always refreshes (a user asked), after any refresh already running has finished. */
export function refreshLinksNow(ctx: LinksCtx, organisationId: number, jobId: string | null): Promise<LinkRefreshSummary> {
  // The refresh's database work runs on the locked connection: no second pool connection while it holds one.
  return withEntityLock(ctx.db, linksRefreshLockKey(organisationId), (conn) => refreshLinks({ ...ctx, db: conn }, organisationId, jobId), {
    waitMs: LINKS_LOCK_WAIT_MS, signal: ctx.signal,
  });
}

export interface LinksState {
  freshness: LinksFreshness;
  refreshedAt: Date | null;
  /** For the enrol preview: why what it shows may change; null when the links are fresh. */
  note: string | null;
}

/** How fresh the organisation's links are, from the worker's schema alone (the preview calls no OneFile). */
export async function readLinksState(db: Kysely<DB>, organisationId: number, maxAgeHours: number, now = new Date()): Promise<LinksState> {
  const refreshedAt = (await lastCompletedLinkRefresh(db, organisationId))?.finishedAt ?? null;
  const freshness = linksFreshness(refreshedAt, now, maxAgeHours);
  return { freshness, refreshedAt, note: linksNote(freshness, refreshedAt, maxAgeHours) };
}

/**
 * An enrol's guard (E2): when the links are fresh, nothing; else, under the lock, re-reads (a refresh that ran
 * meanwhile counts) and refreshes only if they are still not fresh. True when the links were not fresh at
 * first, so the caller decides again on the links as they are now.
 */
export async function refreshLinksIfStale(
  ctx: LinksCtx, organisationId: number, options: { maxAgeHours: number; jobId: string | null },
): Promise<boolean> {
  const { db, logger } = ctx;
  if ((await readLinksState(db, organisationId, options.maxAgeHours)).freshness === 'fresh') return false;
  await withEntityLock(db, linksRefreshLockKey(organisationId), async (conn) => {
    const state = await readLinksState(conn, organisationId, options.maxAgeHours);
    if (state.freshness === 'fresh') return;
    const summary = await refreshLinks({ ...ctx, db: conn }, organisationId, options.jobId);
    logger.info({ ...summary, was: state.freshness, lastRefreshedAt: state.refreshedAt }, 'qualification links were not fresh: refreshed before the enrol');
  }, { waitMs: LINKS_LOCK_WAIT_MS, signal: ctx.signal });
  return true;
}
