import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { QualificationMatch, StandardCode } from '../rules/qualification-codes.js';

/** A standard seen in a refresh, with the code the rules read from it. */
export interface SeenStandard extends StandardCode {
  id: number;
  title: string;
}

// Qualification links (Q1–Q3) in the worker's schema. A standard or link that disappears is marked gone,
// never deleted, so PICSWeb can show what changed and enrol never uses a stale link.

export async function startLinkRefresh(db: Kysely<DB>, organisationId: number, jobId: string | null): Promise<number> {
  const row = await db
    .insertInto('eportfolio_sync.link_refresh')
    .values({ organisation_id: organisationId, job_id: jobId, status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface LinkRefreshCounts {
  standardsSeen: number;
  qualificationsLinked: number;
  qualificationsNotAvailable: number;
  linksAdded: number;
  linksGone: number;
  callsMade: number;
}

/** Saves the standards seen and the matches in one transaction; returns what changed. */
export async function saveLinkRefresh(
  db: Kysely<DB>, refreshId: number, organisationId: number, standards: SeenStandard[], matches: QualificationMatch[],
): Promise<{ linksAdded: number; linksGone: number }> {
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    if (standards.length > 0) {
      await trx
        .insertInto('eportfolio_sync.standard')
        .values(standards.map((s) => ({
          organisation_id: organisationId, standard_id: s.id, title: s.title, code: s.code, normalised_code: s.normalisedCode, last_seen_at: now,
        })))
        .onConflict((oc) => oc.columns(['organisation_id', 'standard_id']).doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'), code: eb.ref('excluded.code'), normalised_code: eb.ref('excluded.normalised_code'),
          last_seen_at: now, gone_at: null,
        })))
        .execute();
    }
    const seenIds = standards.map((s) => s.id);
    await trx
      .updateTable('eportfolio_sync.standard')
      .set({ gone_at: now })
      .where('organisation_id', '=', organisationId)
      .where('gone_at', 'is', null)
      .$if(seenIds.length > 0, (qb) => qb.where('standard_id', 'not in', seenIds))
      .execute();

    const wanted = matches.flatMap((m) => m.standardIds.map((standardId) => ({ qualification_id: m.qualificationId, standard_id: standardId })));
    let linksAdded = 0;
    if (wanted.length > 0) {
      const upserted = await trx
        .insertInto('eportfolio_sync.qualification_link')
        .values(wanted.map((w) => ({ ...w, organisation_id: organisationId, status: 'linked', last_refresh_id: refreshId })))
        .onConflict((oc) => oc.columns(['qualification_id', 'organisation_id', 'standard_id']).doUpdateSet({
          status: 'linked', gone_at: null, last_refresh_id: refreshId,
          // A link that comes back after being gone counts as added again.
          linked_at: sql`case when eportfolio_sync.qualification_link.status = 'gone' then now() else eportfolio_sync.qualification_link.linked_at end`,
        }))
        .returning(sql<boolean>`(xmax = 0 or linked_at = now())`.as('added'))
        .execute();
      linksAdded = upserted.filter((r) => r.added).length;
    }
    const gone = await trx
      .updateTable('eportfolio_sync.qualification_link')
      .set({ status: 'gone', gone_at: now, last_refresh_id: refreshId })
      .where('organisation_id', '=', organisationId)
      .where('status', '=', 'linked')
      .where('last_refresh_id', '<>', refreshId)
      .executeTakeFirst();
    return { linksAdded, linksGone: Number(gone.numUpdatedRows) };
  });
}

export async function finishLinkRefresh(
  db: Kysely<DB>, refreshId: number, outcome: { status: 'completed'; counts: LinkRefreshCounts } | { status: 'failed'; error: string; callsMade: number },
): Promise<void> {
  const values = outcome.status === 'completed'
    ? {
        status: 'completed', standards_seen: outcome.counts.standardsSeen, qualifications_linked: outcome.counts.qualificationsLinked,
        qualifications_not_available: outcome.counts.qualificationsNotAvailable, links_added: outcome.counts.linksAdded,
        links_gone: outcome.counts.linksGone, calls_made: outcome.counts.callsMade,
      }
    : { status: 'failed', error: outcome.error, calls_made: outcome.callsMade };
  await db.updateTable('eportfolio_sync.link_refresh').set({ ...values, finished_at: new Date() }).where('id', '=', refreshId).execute();
}

export interface LinkedStandardRow {
  qualificationId: number;
  standardId: number;
  title: string;
  code: string | null;
}

/** Live links of an organisation: qualification id → its standards (several = pathways). */
export async function readLinks(db: Kysely<DB>, organisationId: number, qualificationIds?: number[]): Promise<Map<number, LinkedStandardRow[]>> {
  if (qualificationIds && qualificationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('eportfolio_sync.qualification_link as l')
    .innerJoin('eportfolio_sync.standard as s', (join) =>
      join.onRef('s.standard_id', '=', 'l.standard_id').onRef('s.organisation_id', '=', 'l.organisation_id'))
    .select(['l.qualification_id', 'l.standard_id', 's.title', 's.code'])
    .where('l.organisation_id', '=', organisationId)
    .where('l.status', '=', 'linked')
    .$if(qualificationIds !== undefined, (qb) => qb.where('l.qualification_id', 'in', qualificationIds!))
    .orderBy('l.qualification_id')
    .orderBy('l.standard_id')
    .execute();
  const links = new Map<number, LinkedStandardRow[]>();
  for (const r of rows) {
    const entry = { qualificationId: r.qualification_id, standardId: r.standard_id, title: r.title, code: r.code };
    links.set(r.qualification_id, [...(links.get(r.qualification_id) ?? []), entry]);
  }
  return links;
}

/** The last completed refresh, of one organisation when given (an enrol uses that organisation's links only). */
export async function lastCompletedLinkRefresh(
  db: Kysely<DB>, organisationId?: number,
): Promise<{ id: number; finishedAt: Date; organisationId: number | null } | null> {
  const row = await db
    .selectFrom('eportfolio_sync.link_refresh')
    .select(['id', 'finished_at', 'organisation_id'])
    .where('status', '=', 'completed')
    .$if(organisationId !== undefined, (qb) => qb.where('organisation_id', '=', organisationId!))
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.finished_at ? { id: row.id, finishedAt: row.finished_at, organisationId: row.organisation_id } : null;
}

export async function linkRefreshById(db: Kysely<DB>, id: number) {
  return db.selectFrom('eportfolio_sync.link_refresh').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The last refresh of any outcome (running, completed, failed), newest first: what PICSWeb shows as "last ran". */
export async function lastLinkRefresh(db: Kysely<DB>) {
  return db.selectFrom('eportfolio_sync.link_refresh').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Per centre, its last completed refresh: what the links read API lists for a multi-centre provider. */
export async function lastCompletedRefreshPerCentre(db: Kysely<DB>): Promise<{ organisationId: number; finishedAt: Date }[]> {
  const rows = await db.selectFrom('eportfolio_sync.link_refresh')
    .select((eb) => ['organisation_id', eb.fn.max('finished_at').as('finished_at')])
    .where('status', '=', 'completed').where('organisation_id', 'is not', null)
    .groupBy('organisation_id').orderBy('organisation_id').execute();
  return rows.map((r) => ({ organisationId: r.organisation_id!, finishedAt: new Date(r.finished_at as unknown as string) }));
}
