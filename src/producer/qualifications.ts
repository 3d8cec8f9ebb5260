import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import { listQualifications } from '../pics/index.js';
import { lastCompletedLinkRefresh, lastCompletedRefreshPerCentre, readLinks, type LinkedStandardRow } from '../store/links.js';

export interface QualificationStatus {
  qualificationId: number;
  title: string;
  vqReference: string | null;
  /** PICSWeb's "OneFile status": available in OneFile, via these standard(s) (several = pathways). */
  available: boolean;
  standards: Omit<LinkedStandardRow, 'qualificationId'>[];
}

export interface QualificationLinksView {
  organisationId: number | null;
  refreshedAt: Date | null;
  qualifications: QualificationStatus[];
  /** Every centre whose links were read, with the qualifications available there (several only multi-centre). */
  centres: { organisationId: number; refreshedAt: Date; availableQualificationIds: number[] }[];
}

/** Read API for PICSWeb's OneFile summary and for enrol: which qualifications are available in OneFile. */
export async function readQualificationLinks(db: Kysely<DB>, organisationId?: number): Promise<QualificationLinksView> {
  const last = await lastCompletedLinkRefresh(db, organisationId);
  const orgId = organisationId ?? last?.organisationId ?? null;
  const [qualifications, links, perCentre] = await Promise.all([
    listQualifications(db), orgId ? readLinks(db, orgId) : Promise.resolve(new Map()), lastCompletedRefreshPerCentre(db),
  ]);
  const centres = await Promise.all(perCentre.map(async (c) => ({
    organisationId: c.organisationId, refreshedAt: c.finishedAt,
    availableQualificationIds: [...(c.organisationId === orgId ? links : await readLinks(db, c.organisationId)).keys()].sort((a, b) => a - b),
  })));
  return {
    organisationId: orgId,
    refreshedAt: last?.finishedAt ?? null,
    centres,
    qualifications: qualifications.map((q) => {
      const standards = (links.get(q.id) ?? []).map(({ qualificationId: _q, ...s }: LinkedStandardRow) => s);
      return { qualificationId: q.id, title: q.title, vqReference: q.vq_reference, available: standards.length > 0, standards };
    }),
  };
}
