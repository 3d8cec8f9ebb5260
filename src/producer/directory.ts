import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import { resolveActiveEPortfolio } from '../eportfolio/active.js';
import { linkOfficer, linkOrganisation } from '../pics/index.js';
import {
  findOfficerLink, findOrganisationLink, officerLinksByIds, officersLinkedTo, organisationLinksByIds, organisationsLinkedTo, type LinkHolder,
} from '../pics/links.js';
import { picsIdsByCentreIdentity, readCentreIdentity, recordCentreIdentity, type CentreRecordKind } from '../store/centres.js';
import { enqueueUnique, type Enqueued } from '../queues/enqueue.js';
import { JOB_NAME, jobIds } from '../queues/job-options.js';
import { QUEUE, type Queues } from '../queues/queues.js';
import { findDirectoryEntry, lastDirectoryRefresh, readDirectoryEntries, type DirectoryKind, type DirectoryRow } from '../store/directory.js';

/*
 * PICSWeb's Look Up Smart Assessor ID / Look Up OneFile ID (A1): refresh the directory, list it for the
 * picker, and save the chosen id on the officer's Other System ID or the organisation's Additional ID. The
 * link is a write to PICS only: nothing is sent to the ePortfolio, and no job ever writes it back or over it
 * afterwards ("if the ID changes in either system it will not be updated in the other"). Multi-centre: each
 * entry is of one centre, and the chosen id is kept for that centre in the worker's schema (identity.ts says why).
 */

export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    message: string,
    readonly code: 'no-integration' | 'unknown-officer' | 'unknown-organisation' | 'unknown-entry' | 'already-linked' | 'invalid-request',
    /** already-linked: the record holding the id (its id and ident, no name), for callers that must not show names. */
    readonly holder?: { kind: 'officer' | 'organisation'; id: number; ident: string | null },
  ) {
    super(message);
  }
}

export interface DirectoryEntryView extends DirectoryRow {
  /** The PICS officers (assessors) or organisations (employers) already holding this id. */
  linkedTo: Array<Pick<LinkHolder, 'id' | 'ident' | 'name'>>;
}

export interface DirectoryView {
  provider: 'onefile' | 'smartassessor' | 'none';
  kind: DirectoryKind;
  /** When the directory was last read from the ePortfolio; null = never (enqueue a refresh). */
  refreshedAt: Date | null;
  entries: DirectoryEntryView[];
}

const KINDS: readonly DirectoryKind[] = ['assessor', 'employer'];

/** The picker's list: every assessor (or employer) of the enabled ePortfolio, by name. */
export async function readDirectory(
  db: Kysely<DB>, kind: DirectoryKind, options: { search?: string; includeArchived?: boolean; organisationId?: number } = {},
): Promise<DirectoryView> {
  if (!KINDS.includes(kind)) throw new DirectoryError(`kind must be assessor or employer, got ${JSON.stringify(kind)}`, 'invalid-request');
  const active = await resolveActiveEPortfolio(db);
  if (active.provider === 'none') return { provider: 'none', kind, refreshedAt: null, entries: [] };
  const [rows, refreshedAt] = await Promise.all([readDirectoryEntries(db, active.provider, kind, options), lastDirectoryRefresh(db, active.provider)]);
  const ids = rows.filter((r) => r.organisationId === null).map((r) => r.externalId);
  const holders = kind === 'assessor' ? await officersLinkedTo(db, ids) : await organisationsLinkedTo(db, ids);
  const centreHolders = await holdersInCentres(db, kind, rows.filter((r) => r.organisationId !== null));
  return {
    provider: active.provider,
    kind,
    refreshedAt,
    entries: rows.map((r) => ({
      ...r,
      linkedTo: (r.organisationId === null ? holders.filter((h) => h.externalId === r.externalId) : (centreHolders.get(`${r.organisationId}|${r.externalId}`) ?? []))
        .map(({ id, ident, name }) => ({ id, ident, name })),
    })),
  };
}

const recordKind = (kind: DirectoryKind): CentreRecordKind => (kind === 'assessor' ? 'officer' : 'employer');

/** Multi-centre entries: the PICS records the worker keeps each id for, by "centre|id". */
async function holdersInCentres(db: Kysely<DB>, kind: DirectoryKind, rows: DirectoryRow[]): Promise<Map<string, LinkHolder[]>> {
  const result = new Map<string, LinkHolder[]>();
  for (const org of new Set(rows.map((r) => r.organisationId!))) {
    const ids = rows.filter((r) => r.organisationId === org).map((r) => Number(r.externalId)).filter(Number.isSafeInteger);
    const picsIds = await picsIdsByCentreIdentity(db, recordKind(kind), ids, org);
    const records = kind === 'assessor' ? await officerLinksByIds(db, [...picsIds.values()]) : await organisationLinksByIds(db, [...picsIds.values()]);
    for (const [oneFileId, picsId] of picsIds) result.set(`${org}|${oneFileId}`, records.filter((h) => h.id === picsId));
  }
  return result;
}

/** Multi-centre: keeps the chosen id for the entry's centre, refusing an id another record holds there. */
async function linkInCentre(
  db: Kysely<DB>, kind: DirectoryKind, picsId: number, entry: DirectoryRow & { organisationId: number },
): Promise<{ previous: string | null }> {
  const org = entry.organisationId;
  const oneFileId = Number(entry.externalId);
  const holder = (await picsIdsByCentreIdentity(db, recordKind(kind), [oneFileId], org)).get(oneFileId);
  if (holder !== undefined && holder !== picsId) {
    const [other] = kind === 'assessor' ? await officerLinksByIds(db, [holder]) : await organisationLinksByIds(db, [holder]);
    const what = kind === 'assessor' ? 'officer' : 'organisation';
    throw new DirectoryError(
      `${entry.externalId} is already the OneFile id in centre ${org} of ${other?.ident ?? `#${holder}`} (${other?.name ?? 'gone'}): unlink it there first`,
      'already-linked', { kind: what, id: holder, ident: other?.ident ?? null },
    );
  }
  const previous = await readCentreIdentity(db, recordKind(kind), picsId, org);
  await recordCentreIdentity(db, recordKind(kind), picsId, org, oneFileId);
  return { previous: previous === null ? null : String(previous) };
}

/** Reads every assessor and employer from the enabled ePortfolio again (the refresh-directory job). */
export function enqueueDirectoryRefresh(queues: Queues, reason: 'user' | 'cli' | 'startup' = 'user'): Promise<Enqueued> {
  return enqueueUnique(queues[QUEUE.refreshLinks], JOB_NAME.refreshDirectory, { reason }, jobIds.refreshDirectory());
}

export interface LinkResult {
  provider: 'onefile' | 'smartassessor';
  id: number;
  externalId: string;
  /** What the field held before the user's choice replaced it. */
  previous: string | null;
  /** Multi-centre: the centre the id was kept for (not PICS's Other System ID / Additional ID). */
  organisationId?: number;
}

async function chosenEntry(db: Kysely<DB>, kind: DirectoryKind, rawId: string) {
  const externalId = typeof rawId === 'string' ? rawId.trim() : '';
  if (externalId === '' || externalId.length > 50) throw new DirectoryError('the chosen id must be 1 to 50 characters', 'invalid-request');
  const active = await resolveActiveEPortfolio(db);
  if (active.provider === 'none') throw new DirectoryError('no ePortfolio integration is enabled in PICS', 'no-integration');
  const entry = await findDirectoryEntry(db, active.provider, kind, externalId);
  const product = active.provider === 'onefile' ? 'OneFile' : 'Smart Assessor';
  if (!entry) throw new DirectoryError(`${product} has no ${kind} ${externalId} in the last look-up: refresh the list and choose again`, 'unknown-entry');
  if (entry.archived) throw new DirectoryError(`${product} ${kind} ${externalId} (${entry.name}) is archived: choose a current one`, 'unknown-entry');
  return { provider: active.provider, externalId, entry };
}

function notTakenBy(holders: LinkHolder[], selfId: number, what: string, externalId: string, kind: 'officer' | 'organisation'): void {
  const other = holders.find((h) => h.id !== selfId);
  if (other) {
    throw new DirectoryError(`${externalId} is already the ${what} of ${other.ident ?? `#${other.id}`} (${other.name}): unlink it there first`, 'already-linked', { kind, id: other.id, ident: other.ident });
  }
}

/** Look Up … ID → Save on an officer: the chosen assessor's id becomes its Other System ID. */
export async function linkOfficerToDirectoryEntry(db: Kysely<DB>, officerId: number, chosenId: string): Promise<LinkResult> {
  const officer = await findOfficerLink(db, officerId);
  if (!officer) throw new DirectoryError(`officer #${officerId} does not exist in PICS`, 'unknown-officer');
  const { provider, externalId, entry } = await chosenEntry(db, 'assessor', chosenId);
  if (entry.organisationId !== null) {
    const { previous } = await linkInCentre(db, 'assessor', officerId, { ...entry, organisationId: entry.organisationId });
    return { provider, id: officerId, externalId, previous, organisationId: entry.organisationId };
  }
  notTakenBy(await officersLinkedTo(db, [externalId]), officerId, 'Other System ID', externalId, 'officer');
  if (!(await linkOfficer(db, officerId, externalId))) throw new DirectoryError(`officer #${officerId} does not exist in PICS`, 'unknown-officer');
  return { provider, id: officerId, externalId, previous: officer.externalId };
}

/** Look Up … ID → Save on an organisation: the chosen employer's id becomes its Additional ID. */
export async function linkOrganisationToDirectoryEntry(db: Kysely<DB>, organisationId: number, chosenId: string): Promise<LinkResult> {
  const organisation = await findOrganisationLink(db, organisationId);
  if (!organisation) throw new DirectoryError(`organisation #${organisationId} does not exist in PICS`, 'unknown-organisation');
  const { provider, externalId, entry } = await chosenEntry(db, 'employer', chosenId);
  if (entry.organisationId !== null) {
    const { previous } = await linkInCentre(db, 'employer', organisationId, { ...entry, organisationId: entry.organisationId });
    return { provider, id: organisationId, externalId, previous, organisationId: entry.organisationId };
  }
  notTakenBy(await organisationsLinkedTo(db, [externalId]), organisationId, 'Additional ID', externalId, 'organisation');
  if (!(await linkOrganisation(db, organisationId, externalId))) throw new DirectoryError(`organisation #${organisationId} does not exist in PICS`, 'unknown-organisation');
  return { provider, id: organisationId, externalId, previous: organisation.externalId };
}
