import { withEntityLock } from '../../db/entity-lock.js';
import { ONEFILE_ROLE, type OneFileUserSummary } from '../../onefile/types.js';
import {
  readOfficerOtherSystemId, readOrganisationAdditionalId, setOfficerOtherSystemId, setOrganisationAdditionalId,
} from '../../pics/index.js';
import type { EmployerUpload, OfficerUpload } from '../../rules/enrol-plan.js';
import { EnrolInvalidError } from '../errors.js';
import type { OneFileCtx } from './context.js';

/*
 * Find or create the OneFile records many learners share — an officer's assessor, an employer's placement, a
 * classroom — for the enrol and the daily sync alike. Each is one shape: under the record's own lock, the id
 * PICS already holds, else a search (by MIS value or name, so a crash between "created" and "written back"
 * is found again), else a create, then the id written back to PICS.
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

/** E5: the employer's OneFile placement — by Additional ID, else by MIS value or name, else created (id stored back). */
export async function resolvePlacement(ctx: OneFileCtx, org: number, employer: EmployerUpload): Promise<number> {
  const { client, settings, db } = ctx;
  if (employer.oneFileId !== null && !settings.multiCentre) return employer.oneFileId;
  return withEntityLock(db, `onefile:placement:${org}:${employer.organisationId}`, async (conn) => {
    // Another job may have created and stored it while this one waited for the lock.
    const stored = settings.multiCentre ? null : await readOrganisationAdditionalId(conn, employer.organisationId);
    if (stored !== null) return stored;
    const placements = await client.searchPlacements(org).all();
    const mis = employer.ident;
    const found = placements.find((p) => mis !== null && p.misId === mis) ?? (settings.multiCentre ? undefined : placements.find((p) => sameName(p.name, employer.name)));
    const placementId = found?.id ?? (await client.createPlacement({ OrganisationID: org, Name: employer.name, ...(mis ? { MISID: mis } : {}) }));
    if (!settings.multiCentre) await setOrganisationAdditionalId(conn, employer.organisationId, String(placementId));
    return placementId;
  }, { signal: ctx.signal });
}

/**
 * E4: an officer's OneFile assessor — by Other System ID, else by MIS value (the PICS ident, which we also
 * set on every assessor we create, so a crash between create and write-back is found again), else created.
 */
export async function resolveOfficer(ctx: OneFileCtx, org: number, officer: OfficerUpload): Promise<number> {
  const { client, settings, db } = ctx;
  if (officer.oneFileId !== null && !settings.multiCentre) return officer.oneFileId;
  return withEntityLock(db, `onefile:officer:${org}:${officer.officerId}`, async (conn) => {
    const stored = settings.multiCentre ? null : await readOfficerOtherSystemId(conn, officer.officerId);
    if (stored !== null) return stored;
    const mis = officer.ident;
    const matches = mis ? assessorsByMis(await client.findUsers({ OrganisationID: org, MISID: mis })) : [];
    if (matches.length > 1) throw duplicateMisError(officer, mis!, matches);
    const id = matches[0]?.id ?? (await client.createUser({
      OrganisationID: org, FirstName: officer.firstName, LastName: officer.lastName, Email: officer.email, Role: ONEFILE_ROLE.assessor,
      ...(mis ? { MISID: mis } : {}),
    })).id;
    if (!settings.multiCentre) await setOfficerOtherSystemId(conn, officer.officerId, String(id));
    return id;
  }, { signal: ctx.signal });
}

/** E6: the classroom named for the learner, found by name in the organisation, else created. */
export async function resolveClassroom(ctx: OneFileCtx, org: number, name: string): Promise<number> {
  return withEntityLock(ctx.db, `onefile:classroom:${org}:${name.trim().toLowerCase()}`, async () => {
    const classrooms = await ctx.client.searchClassrooms(org).all();
    return classrooms.find((c) => sameName(c.name, name))?.id ?? (await ctx.client.createClassroom({ OrganisationID: org, Name: name }));
  }, { signal: ctx.signal });
}
