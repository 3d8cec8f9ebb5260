import type { Kysely } from 'kysely';
import { withEntityLock } from '../../db/entity-lock.js';
import type { DB } from '../../db/handle.js';
import { ONEFILE_ROLE, type OneFileUserSummary } from '../../onefile/types.js';
import type { EmployerUpload, OfficerUpload } from '../../rules/enrol-plan.js';
import { duplicateMisMessage } from '../../rules/duplicate-mis.js';
import { EnrolInvalidError } from '../errors.js';
import type { OneFileCtx } from './context.js';
import { identityStore, type SharedRecordKind } from './identity.js';
import { forgetKnownClassroom, readKnownClassroom, recordKnownClassroom } from '../../store/classrooms.js';

/*
 * Find or create the OneFile records many learners share — an officer's assessor, an employer's placement, a
 * classroom — for the enrol and the daily sync alike. Each is one shape (findOrCreate): the id already known,
 * else under the record's own lock the id kept for it (on the PICS record, or per centre: identity.ts; a
 * classroom's in store/classrooms.ts), else a search (by MIS value or name, so a crash between "created" and
 * "kept" is found again), else a create, then the id kept. What differs is a SharedRecord.
 */

const sameName = (a: string | null | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

function assessorsByMis(users: OneFileUserSummary[]): OneFileUserSummary[] {
  return users.filter((u) => u.role === null || u.role === ONEFILE_ROLE.assessor || u.role === ONEFILE_ROLE.traineeAssessor);
}

/** E4: the commonest real-world failure, reported naming every OneFile account involved. */
function duplicateMisError(officer: OfficerUpload, mis: string, matches: OneFileUserSummary[]): EnrolInvalidError {
  const label = officer.reasons.includes('main') ? 'main officer' : 'officer';
  return new EnrolInvalidError(
    [{ field: `officer.${officer.officerId}`, message: duplicateMisMessage(label, officer.ident ?? `#${officer.officerId}`, mis, matches) }],
    'duplicate-in-eportfolio',
  );
}

/** Two or more OneFile placements with the employer's MIS value: which one is meant cannot be guessed. */
function duplicatePlacementError(employer: EmployerUpload, mis: string, ids: number[]): EnrolInvalidError {
  return new EnrolInvalidError(
    [{ field: `employer.${employer.organisationId}`, message: `employer ${employer.ident ?? employer.name} shares OneFile MIS value '${mis}' with placements ${ids.join(' and ')} in organisation: merge or correct one of them in OneFile` }],
    'duplicate-in-eportfolio',
  );
}

/** How one kind of shared record is found or created: its lock, where its id is kept, its search and its create. */
interface SharedRecord {
  lock: string;
  kept: {
    /** The id known without asking (what PICS held when the job read it); null: none. */
    known: number | null;
    /** The id kept now, read under the lock: another job may have kept one while this one waited. */
    read(conn: Kysely<DB>): Promise<number | null>;
    write(conn: Kysely<DB>, id: number): Promise<void>;
  };
  search(): Promise<number | undefined>;
  create(): Promise<number>;
}

/** The one shape. `kept`: the id was already known or kept, not searched for or created this time. */
async function findOrCreate(ctx: OneFileCtx, record: SharedRecord): Promise<{ id: number; kept: boolean }> {
  const { kept } = record;
  if (kept.known !== null) return { id: kept.known, kept: true };
  return withEntityLock(ctx.db, record.lock, async (conn) => {
    const stored = await kept.read(conn);
    if (stored !== null) return { id: stored, kept: true };
    const id = (await record.search()) ?? (await record.create());
    await kept.write(conn, id);
    return { id, kept: false };
  }, { signal: ctx.signal });
}

/** An officer's or employer's id where identity.ts keeps it; PICS's own value is known only in single-centre mode. */
function keptIdentity(ctx: OneFileCtx, kind: SharedRecordKind, picsId: number, org: number, linked: number | null): SharedRecord['kept'] {
  const ids = identityStore(ctx.settings);
  return {
    known: ctx.settings.multiCentre ? null : linked,
    read: (conn) => ids.read(conn, kind, picsId, org),
    write: (conn, id) => ids.write(conn, kind, picsId, org, id),
  };
}

/**
 * E5: the employer's OneFile placement in the centre — the id the worker holds for it (identity.ts), else found
 * by MIS value (or, single-centre, by name), else created; the id is kept at once.
 */
export async function resolvePlacement(ctx: OneFileCtx, org: number, employer: EmployerUpload): Promise<number> {
  const { client, settings } = ctx;
  const mis = employer.ident;
  return (await findOrCreate(ctx, {
    lock: `onefile:placement:${org}:${employer.organisationId}`,
    kept: keptIdentity(ctx, 'employer', employer.organisationId, org, employer.oneFileId),
    search: async () => {
      const placements = await client.searchPlacements(org).all();
      const byMis = mis === null ? [] : placements.filter((p) => p.misId !== null && sameName(p.misId, mis));
      if (settings.multiCentre && byMis.length > 1) throw duplicatePlacementError(employer, mis!, byMis.map((p) => p.id));
      return (byMis[0] ?? (settings.multiCentre ? undefined : placements.find((p) => sameName(p.name, employer.name))))?.id;
    },
    create: () => client.createPlacement({ OrganisationID: org, Name: employer.name, ...(mis ? { MISID: mis } : {}) }),
  })).id;
}

/**
 * E4: an officer's OneFile assessor in the centre — the id the worker holds for it, else found by MIS value (the
 * PICS ident, which we also set on every assessor we create, so a crash between create and write-back is found
 * again), else created. Two assessors with one MIS value are reported naming both, never guessed between.
 */
export async function resolveOfficer(ctx: OneFileCtx, org: number, officer: OfficerUpload): Promise<number> {
  const { client } = ctx;
  const mis = officer.ident;
  return (await findOrCreate(ctx, {
    lock: `onefile:officer:${org}:${officer.officerId}`,
    kept: keptIdentity(ctx, 'officer', officer.officerId, org, officer.oneFileId),
    search: async () => {
      const matches = mis ? assessorsByMis(await client.findUsers({ OrganisationID: org, MISID: mis })) : [];
      if (matches.length > 1) throw duplicateMisError(officer, mis!, matches);
      return matches[0]?.id;
    },
    create: async () => (await client.createUser({
      OrganisationID: org, FirstName: officer.firstName, LastName: officer.lastName, Email: officer.email, Role: ONEFILE_ROLE.assessor,
      ...(mis ? { MISID: mis } : {}),
    })).id,
  })).id;
}

export interface ResolvedClassroom {
  id: number;
  /** Read from the worker's record, not from OneFile this time: OneFile may since have removed it. */
  remembered: boolean;
}

/**
 * E6: the classroom named for the learner — the id an earlier enrol found or created for that name in the
 * organisation (store/classrooms.ts), else found by name in OneFile, else created; the id is then remembered.
 */
export async function resolveClassroom(ctx: OneFileCtx, org: number, name: string): Promise<ResolvedClassroom> {
  const { id, kept } = await findOrCreate(ctx, {
    lock: `onefile:classroom:${org}:${name.trim().toLowerCase()}`,
    kept: {
      known: await readKnownClassroom(ctx.db, org, name),
      read: (conn) => readKnownClassroom(conn, org, name),
      write: (conn, classroomId) => recordKnownClassroom(conn, org, name, classroomId),
    },
    search: async () => (await ctx.client.searchClassrooms(org).all()).find((c) => sameName(c.name, name))?.id,
    create: () => ctx.client.createClassroom({ OrganisationID: org, Name: name }),
  });
  return { id, remembered: kept };
}

/** OneFile refused a remembered classroom id (it was removed there): forget it, so E6 asks OneFile again. */
export async function forgetClassroom(ctx: OneFileCtx, org: number, name: string, id: number): Promise<void> {
  await forgetKnownClassroom(ctx.db, org, name, id);
}
