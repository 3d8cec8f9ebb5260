import type { Kysely } from 'kysely';
import { withEntityLock } from '../../db/entity-lock.js';
import type { DB } from '../../db/handle.js';
import { ONEFILE_ROLE, type OneFileUserSummary } from '../../onefile/types.js';
import {
  readOfficerOtherSystemId, readOrganisationAdditionalId, setOfficerOtherSystemId, setOrganisationAdditionalId,
} from '../../pics/index.js';
import type { EmployerUpload, OfficerUpload } from '../../rules/enrol-plan.js';
import { EnrolInvalidError } from '../errors.js';
import type { OneFileCtx } from './context.js';

/*
 * Find or create the OneFile records many learners share — an officer's assessor, an employer's placement, a
 * classroom — for the enrol and the daily sync alike. Each is one shape (findOrCreate): the id PICS already
 * holds, else under the record's own lock a search (by MIS value or name, so a crash between "created" and
 * "written back" is found again), else a create, then the id written back to PICS. What differs is a
 * SharedRecord.
 */

const sameName = (a: string | null | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

function assessorsByMis(users: OneFileUserSummary[]): OneFileUserSummary[] {
  return users.filter((u) => u.role === null || u.role === ONEFILE_ROLE.assessor || u.role === ONEFILE_ROLE.traineeAssessor);
}

/** E4: the commonest real-world failure, reported naming every OneFile account involved. */
function duplicateMisError(officer: OfficerUpload, mis: string, matches: OneFileUserSummary[]): EnrolInvalidError {
  const label = officer.reasons.includes('main') ? 'main officer' : 'officer';
  const ids = matches.map((m) => `${m.id}${m.archived ? ' (archived)' : ''}`);
  const list = ids.length === 2 ? `${ids[0]} and ${ids[1]}` : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return new EnrolInvalidError(
    [{ field: `officer.${officer.officerId}`, message: `${label} ${officer.ident ?? `#${officer.officerId}`} shares OneFile MIS value '${mis}' with assessors ${list}: archive or correct one of them in OneFile` }],
    'duplicate-in-eportfolio',
  );
}

/**
 * How one kind of shared record is found or created: the lock it is found under, the link PICS keeps to it
 * (none for a classroom), how it is searched for and how it is created.
 */
interface SharedRecord {
  lock: string;
  link?: {
    /** The id PICS held when the job read it. */
    known: number | null;
    /** The id PICS holds now, read again under the lock: another job may have stored it while this one waited. */
    read(conn: Kysely<DB>): Promise<number | null>;
    write(conn: Kysely<DB>, id: number): Promise<void>;
  };
  search(): Promise<number | undefined>;
  create(): Promise<number>;
}

/** The one shape: the id PICS holds, else under the record's lock the id stored meanwhile, a search, a create, the write-back. */
async function findOrCreate(ctx: OneFileCtx, record: SharedRecord): Promise<number> {
  // Multi-centre: one PICS column cannot name a record per centre, so PICS's link is neither read nor written.
  const link = ctx.settings.multiCentre ? undefined : record.link;
  if (link && link.known !== null) return link.known;
  return withEntityLock(ctx.db, record.lock, async (conn) => {
    const stored = link ? await link.read(conn) : null;
    if (stored !== null) return stored;
    const id = (await record.search()) ?? (await record.create());
    await link?.write(conn, id);
    return id;
  }, { signal: ctx.signal });
}

/** E5: the employer's OneFile placement — by Additional ID, else by MIS value or name, else created (id stored back). */
export async function resolvePlacement(ctx: OneFileCtx, org: number, employer: EmployerUpload): Promise<number> {
  const { client, settings } = ctx;
  const mis = employer.ident;
  return findOrCreate(ctx, {
    lock: `onefile:placement:${org}:${employer.organisationId}`,
    link: {
      known: employer.oneFileId,
      read: (conn) => readOrganisationAdditionalId(conn, employer.organisationId),
      write: (conn, id) => setOrganisationAdditionalId(conn, employer.organisationId, String(id)),
    },
    search: async () => {
      const placements = await client.searchPlacements(org).all();
      const found = placements.find((p) => mis !== null && p.misId === mis) ?? (settings.multiCentre ? undefined : placements.find((p) => sameName(p.name, employer.name)));
      return found?.id;
    },
    create: () => client.createPlacement({ OrganisationID: org, Name: employer.name, ...(mis ? { MISID: mis } : {}) }),
  });
}

/**
 * E4: an officer's OneFile assessor — by Other System ID, else by MIS value (the PICS ident, which we also
 * set on every assessor we create, so a crash between create and write-back is found again), else created.
 */
export async function resolveOfficer(ctx: OneFileCtx, org: number, officer: OfficerUpload): Promise<number> {
  const { client } = ctx;
  const mis = officer.ident;
  return findOrCreate(ctx, {
    lock: `onefile:officer:${org}:${officer.officerId}`,
    link: {
      known: officer.oneFileId,
      read: (conn) => readOfficerOtherSystemId(conn, officer.officerId),
      write: (conn, id) => setOfficerOtherSystemId(conn, officer.officerId, String(id)),
    },
    search: async () => {
      const matches = mis ? assessorsByMis(await client.findUsers({ OrganisationID: org, MISID: mis })) : [];
      if (matches.length > 1) throw duplicateMisError(officer, mis!, matches);
      return matches[0]?.id;
    },
    create: async () => (await client.createUser({
      OrganisationID: org, FirstName: officer.firstName, LastName: officer.lastName, Email: officer.email, Role: ONEFILE_ROLE.assessor,
      ...(mis ? { MISID: mis } : {}),
    })).id,
  });
}

/** E6: the classroom named for the learner, found by name in the organisation, else created. */
export async function resolveClassroom(ctx: OneFileCtx, org: number, name: string): Promise<number> {
  return findOrCreate(ctx, {
    lock: `onefile:classroom:${org}:${name.trim().toLowerCase()}`,
    search: async () => (await ctx.client.searchClassrooms(org).all()).find((c) => sameName(c.name, name))?.id,
    create: () => ctx.client.createClassroom({ OrganisationID: org, Name: name }),
  });
}
