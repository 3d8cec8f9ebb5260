import { badRequest } from '../errors.js';
import { readFields, type Fields } from '../fields.js';
import { noContent, ok } from '../result.js';
import {
  idParam, listNames, ownsOrg, requireFields, referencedUser, requireObject, userOf, type Ctx, type RouteDef,
} from '../routes.js';
import { ROLE, USER, type User } from '../schemas.js';
import { filter, sameText, searchRoutes } from '../search.js';

// DOC-USERS (onefile-api.md §7.3–7.4): create, read, partial update, search and assign users.

/** Roles the API may create. */
const CREATABLE = new Set<number>([ROLE.learner, ROLE.traineeAssessor, ROLE.assessor, ROLE.iqa, ROLE.employer, ROLE.observer]);
const ASSESSORS = new Set<number>([ROLE.traineeAssessor, ROLE.assessor]);
const STAFF = new Set<number>([ROLE.traineeAssessor, ROLE.assessor, ROLE.iqa, ROLE.leadIqa, ROLE.employer, ROLE.observer]);
const LEARNER_NEEDS = ['DefaultAssessorID', 'ClassroomID', 'PlacementID'] as const;

type UserFields = Partial<Fields<typeof USER>>;
type Key = keyof typeof USER & string;

/** Fields a client sets; the rest OneFile keeps for itself (ID, Username after creation, stamps, archive flag). */
const SETTABLE = (Object.keys(USER) as Key[]).filter((k) => !['LastModified', 'Archived', 'CreatedOn'].includes(k));
const UPDATABLE = SETTABLE.filter((k) => !['OrganisationID', 'Role', 'Username'].includes(k));

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks the ids and values `f` carries against `user` (the record as it would be after the change). */
function checkReferences(ctx: Ctx, f: UserFields, user: Pick<User, 'OrganisationID' | 'Role'>): void {
  const { state } = ctx.sim;
  const sameOrg = (orgId: number | null) => orgId === user.OrganisationID;
  if (f.DefaultAssessorID != null) {
    const a = state.users.get(f.DefaultAssessorID);
    if (!a || !sameOrg(a.OrganisationID) || !ASSESSORS.has(a.Role ?? 0)) {
      throw badRequest(`DefaultAssessorID ${f.DefaultAssessorID} is not an assessor in organisation ${user.OrganisationID}.`);
    }
    if (a.Archived) throw badRequest(`DefaultAssessorID ${f.DefaultAssessorID} is an archived user.`);
  }
  if (f.DefaultEmployerID != null) {
    const e = state.users.get(f.DefaultEmployerID);
    if (!e || !sameOrg(e.OrganisationID) || e.Role !== ROLE.employer) {
      throw badRequest(`DefaultEmployerID ${f.DefaultEmployerID} is not an employer in organisation ${user.OrganisationID}.`);
    }
  }
  if (f.ClassroomID != null && !sameOrg(state.classrooms.get(f.ClassroomID)?.OrganisationID ?? null)) {
    throw badRequest(`ClassroomID ${f.ClassroomID} is not a classroom in organisation ${user.OrganisationID}.`);
  }
  if (f.PlacementID != null && !sameOrg(state.placements.get(f.PlacementID)?.OrganisationID ?? null)) {
    throw badRequest(`PlacementID ${f.PlacementID} is not a placement in organisation ${user.OrganisationID}.`);
  }
  if (f.Email != null && !EMAIL.test(f.Email)) throw badRequest(`Email '${f.Email}' is not a valid e-mail address.`);
}

function create(ctx: Ctx) {
  requireObject(ctx.body);
  const f = readFields(USER, ctx.body, SETTABLE);
  const role = f.Role ?? null;
  const needed: string[] = ['OrganisationID', 'FirstName', 'LastName', 'Role'];
  if (role === ROLE.learner || ctx.sim.options.requireStaffEmail) needed.push('Email');
  if (role === ROLE.learner) needed.push(...LEARNER_NEEDS);
  if (role === ROLE.employer || role === ROLE.observer) needed.push('PlacementID');
  requireFields(f, needed, role === ROLE.learner ? ' for a learner' : ' for a user');
  if (!CREATABLE.has(role!)) throw badRequest(`Role ${role} cannot be created through the API.`);
  if (!ownsOrg(ctx, f.OrganisationID!)) throw badRequest(`OrganisationID ${f.OrganisationID} was not found.`);
  if (f.Username != null && ctx.sim.state.usernameTaken(f.Username)) throw badRequest(`Username '${f.Username}' is already in use.`);
  checkReferences(ctx, f, { OrganisationID: f.OrganisationID!, Role: role });
  const now = ctx.sim.clock.nowIso();
  return ok(ctx.sim.state.users.insert({ ...f, CreatedOn: now, LastModified: now }));
}

function update(ctx: Ctx) {
  const user = userOf(ctx, idParam(ctx, 'id', 'User'));
  requireObject(ctx.body);
  const f = readFields(USER, ctx.body, UPDATABLE);
  const cleared = (Object.keys(f) as Key[]).filter((k) => f[k] === null || f[k] === '');
  const mustKeep = ['FirstName', 'LastName', ...(user.Role === ROLE.learner ? ['Email', ...LEARNER_NEEDS] : [])];
  const lost = cleared.filter((k) => mustKeep.includes(k));
  if (lost.length > 0) throw badRequest(`${listNames(lost)} cannot be cleared.`);
  checkReferences(ctx, f, user);
  Object.assign(user, f, { LastModified: ctx.sim.clock.nowIso() });
  return noContent;
}

/**
 * The path id is the user being assigned and LearnerID the learner (as working clients do); the newer help
 * text puts the learner in the path, so when the path names a learner and LearnerID names staff the two swap.
 */
function assign(ctx: Ctx) {
  const pathUser = userOf(ctx, idParam(ctx, 'id', 'User'));
  requireObject(ctx.body);
  const f = readFields({ LearnerID: 'int', Level: 'int', StandardID: 'int', UnitID: 'string' } as const, ctx.body);
  requireFields(f, ['LearnerID', 'Level']);
  let learner = referencedUser(ctx, f.LearnerID!, 'LearnerID');
  let staff = pathUser;
  if (staff.Role === ROLE.learner && learner.Role !== ROLE.learner) [staff, learner] = [learner, staff];
  if (learner.Role !== ROLE.learner) throw badRequest(`User ${learner.ID} is not a learner.`);
  const level = f.Level!;
  if (level < 1 || level > 3) throw badRequest(`Level ${level} is not 1 (additional user), 2 (unit) or 3 (learning aim).`);
  const allowed = level === 1 ? STAFF : new Set<number>([ROLE.traineeAssessor, ROLE.assessor, ROLE.iqa, ROLE.leadIqa]);
  if (!allowed.has(staff.Role ?? 0)) throw badRequest(`User ${staff.ID} (role ${staff.Role}) cannot be assigned at level ${level}.`);
  if (level === 3) {
    if (f.StandardID == null) throw badRequest('StandardID is required for level 3.');
    const hasAim = [...ctx.sim.state.learningAims.where(learner.ID)].some((a) => a.StandardID === f.StandardID);
    if (!hasAim) throw badRequest(`Learner ${learner.ID} has no learning aim for standard ${f.StandardID}.`);
  }
  if (level === 2 && f.UnitID == null) throw badRequest('UnitID is required for level 2.');
  const { assignments } = ctx.sim.state;
  const row = { UserID: staff.ID, LearnerID: learner.ID, Level: level, StandardID: level === 3 ? f.StandardID! : null,
    UnitID: level === 2 ? f.UnitID! : null };
  const same = [...assignments.values()].some((a) => a.UserID === row.UserID && a.LearnerID === row.LearnerID
    && a.Level === row.Level && a.StandardID === row.StandardID && a.UnitID === row.UnitID);
  if (!same) assignments.insert(row);
  return noContent;
}

// Archived rides along so that a client meeting two users with one MISID can say which one is archived (E4).
const searchRow = (u: User) => ({
  ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, MISID: u.MISID, Email: u.Email, Role: u.Role,
  LastModified: u.LastModified, Archived: u.Archived,
});

function find(ctx: Ctx): User[] {
  const org = filter(ctx, 'OrganisationID', 'int');
  const role = filter(ctx, 'Role', 'int');
  const misId = filter(ctx, 'MISID', 'string');
  const email = filter(ctx, 'Email', 'string');
  const first = filter(ctx, 'FirstName', 'string');
  const last = filter(ctx, 'LastName', 'string');
  const since = filter(ctx, 'LastModified', 'datetime');
  const archived = filter(ctx, 'Archived', 'bool');
  const out: User[] = [];
  for (const u of ctx.sim.state.users.values()) {
    if (org !== undefined && u.OrganisationID !== org) continue;
    if (!ownsOrg(ctx, u.OrganisationID)) continue;
    if (role !== undefined && u.Role !== role) continue;
    if (misId !== undefined && !sameText(u.MISID, misId)) continue;
    if (email !== undefined && !sameText(u.Email, email)) continue;
    if (first !== undefined && !sameText(u.FirstName, first)) continue;
    if (last !== undefined && !sameText(u.LastName, last)) continue;
    // ISO strings in one format compare in time order.
    if (since !== undefined && (u.LastModified ?? '') < since) continue;
    if (archived !== undefined && u.Archived !== archived) continue;
    out.push(u);
  }
  return out;
}

export const userRoutes: RouteDef[] = [
  ...searchRoutes('User', find, searchRow),
  { method: 'GET', path: '/User/{id}', handle: (ctx) => ok(userOf(ctx, idParam(ctx, 'id', 'User'))) },
  { method: 'POST', path: '/User', handle: create },
  { method: 'POST', path: '/User/{id}', handle: update },
  { method: 'POST', path: '/User/{id}/Assign', handle: assign },
];
