import { withEntityLock } from '../../db/entity-lock.js';
import { ONEFILE_ROLE, type OneFileUserSummary } from '../../onefile/types.js';
import type { EmployerUpload, OfficerUpload } from '../../rules/enrol-plan.js';
import { duplicateMisMessage } from '../../rules/duplicate-mis.js';
import { EnrolInvalidError } from '../errors.js';
import type { OneFileCtx } from './context.js';
import { identityStore } from './identity.js';

/*
 * Find or create the OneFile records many learners share — an officer's assessor, an employer's placement, a
 * classroom — for the enrol and the daily sync alike. Each is one shape: under the record's own lock, the id
 * already kept for it (on the PICS record, or per centre: identity.ts), else a search (by MIS value or name, so
 * a crash between "created" and "kept" is found again), else a create, then the id kept.
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

/**
 * E5: the employer's OneFile placement in the centre — the id the worker holds for it (identity.ts), else found
 * by MIS value (or, single-centre, by name), else created; the id is kept at once.
 */
export async function resolvePlacement(ctx: OneFileCtx, org: number, employer: EmployerUpload): Promise<number> {
  const { client, settings, db } = ctx;
  const ids = identityStore(settings);
  if (employer.oneFileId !== null && !settings.multiCentre) return employer.oneFileId;
  return withEntityLock(db, `onefile:placement:${org}:${employer.organisationId}`, async (conn) => {
    // Another job may have created and stored it while this one waited for the lock.
    const stored = await ids.read(conn, 'employer', employer.organisationId, org);
    if (stored !== null) return stored;
    const placements = await client.searchPlacements(org).all();
    const mis = employer.ident;
    const byMis = mis === null ? [] : placements.filter((p) => p.misId !== null && sameName(p.misId, mis));
    if (settings.multiCentre && byMis.length > 1) throw duplicatePlacementError(employer, mis!, byMis.map((p) => p.id));
    const found = byMis[0] ?? (settings.multiCentre ? undefined : placements.find((p) => sameName(p.name, employer.name)));
    const placementId = found?.id ?? (await client.createPlacement({ OrganisationID: org, Name: employer.name, ...(mis ? { MISID: mis } : {}) }));
    await ids.write(conn, 'employer', employer.organisationId, org, placementId);
    return placementId;
  }, { signal: ctx.signal });
}

/**
 * E4: an officer's OneFile assessor in the centre — the id the worker holds for it, else found by MIS value (the
 * PICS ident, which we also set on every assessor we create, so a crash between create and write-back is found
 * again), else created. Two assessors with one MIS value are reported naming both, never guessed between.
 */
export async function resolveOfficer(ctx: OneFileCtx, org: number, officer: OfficerUpload): Promise<number> {
  const { client, settings, db } = ctx;
  const ids = identityStore(settings);
  if (officer.oneFileId !== null && !settings.multiCentre) return officer.oneFileId;
  return withEntityLock(db, `onefile:officer:${org}:${officer.officerId}`, async (conn) => {
    const stored = await ids.read(conn, 'officer', officer.officerId, org);
    if (stored !== null) return stored;
    const mis = officer.ident;
    const matches = mis ? assessorsByMis(await client.findUsers({ OrganisationID: org, MISID: mis })) : [];
    if (matches.length > 1) throw duplicateMisError(officer, mis!, matches);
    const id = matches[0]?.id ?? (await client.createUser({
      OrganisationID: org, FirstName: officer.firstName, LastName: officer.lastName, Email: officer.email, Role: ONEFILE_ROLE.assessor,
      ...(mis ? { MISID: mis } : {}),
    })).id;
    await ids.write(conn, 'officer', officer.officerId, org, id);
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
