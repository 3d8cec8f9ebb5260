import { badRequest, notFound } from '../errors.js';
import { readFields } from '../fields.js';
import { ok } from '../result.js';
import { idParam, ownsOrg, referencedUser, requireFields, requireObject, type Ctx, type RouteDef } from '../routes.js';
import type { ReviewRowShape } from '../options.js';
import { REVIEW, ROLE, type Review } from '../schemas.js';
import { filter, searchRoutes } from '../search.js';

// onefile-api.md §7.10. Search rows are thin by default (ID, LearnerID, ScheduledFor: all OneFile is known to
// send), so details need GET /Review/{id}; options.reviewRows gives the richer shapes OneFile may send.

const CREATABLE = ['LearnerID', 'AssessorID', 'EmployerID', 'Status', 'ScheduledFor', 'EndTime', 'VisitID'] as const;

function inScope(ctx: Ctx, r: Review): boolean {
  return ownsOrg(ctx, ctx.sim.state.users.get(r.LearnerID ?? -1)?.OrganisationID ?? null);
}

function create(ctx: Ctx) {
  requireObject(ctx.body);
  const f = readFields(REVIEW, ctx.body, CREATABLE);
  requireFields(f, ['LearnerID', 'AssessorID', 'ScheduledFor']);
  const learner = referencedUser(ctx, f.LearnerID!, 'LearnerID');
  if (learner.Role !== ROLE.learner) throw badRequest(`LearnerID ${learner.ID} is not a learner.`);
  const assessor = ctx.sim.state.users.get(f.AssessorID!);
  if (!assessor || assessor.OrganisationID !== learner.OrganisationID || assessor.Role === ROLE.learner) {
    throw badRequest(`AssessorID ${f.AssessorID} is not a member of staff in organisation ${learner.OrganisationID}.`);
  }
  if (f.EndTime != null && f.EndTime < f.ScheduledFor!) throw badRequest('EndTime is before ScheduledFor.');
  if (f.VisitID != null && ctx.sim.state.visits.get(f.VisitID)?.LearnerID !== learner.ID) {
    throw badRequest(`VisitID ${f.VisitID} is not a visit of learner ${learner.ID}.`);
  }
  return ok(ctx.sim.state.reviews.insert(f).ID);
}

function reviewRow(r: Review, shape: ReviewRowShape) {
  const thin = { ID: r.ID, LearnerID: r.LearnerID, ScheduledFor: r.ScheduledFor };
  if (shape === 'minimal') return thin;
  if (shape === 'status') return { ...thin, Status: r.Status ?? null };
  return {
    ...thin, Status: r.Status ?? null, AssessorID: r.AssessorID ?? null, StartedOn: r.StartedOn ?? null,
    AssessorSignedOn: r.AssessorSignedOn ?? null, LearnerSignedOn: r.LearnerSignedOn ?? null,
  };
}

function reviewOf(ctx: Ctx): Review {
  const id = idParam(ctx, 'id', 'Review');
  const r = ctx.sim.state.reviews.get(id);
  if (!r || !inScope(ctx, r)) throw notFound('Review', id);
  return r;
}

export const reviewRoutes: RouteDef[] = [
  ...searchRoutes('Review', (ctx) => {
    const learnerId = filter(ctx, 'LearnerID', 'int');
    const org = filter(ctx, 'OrganisationID', 'int');
    const status = filter(ctx, 'Status', 'int');
    const from = filter(ctx, 'DateFrom', 'datetime');
    const to = filter(ctx, 'DateTo', 'datetime');
    const { users, reviews } = ctx.sim.state;
    const candidates = learnerId === undefined ? reviews.values() : reviews.where(learnerId);
    return [...candidates].filter((r) => (status === undefined || r.Status === status)
      && (from === undefined || (r.ScheduledFor ?? '') >= from) && (to === undefined || (r.ScheduledFor ?? '') <= to)
      && (org === undefined || users.get(r.LearnerID ?? -1)?.OrganisationID === org) && inScope(ctx, r));
  }, (r, ctx) => reviewRow(r, ctx.sim.options.reviewRows)),
  { method: 'GET', path: '/Review/{id}', handle: (ctx) => ok(reviewOf(ctx)) },
  { method: 'POST', path: '/Review', handle: create },
];
