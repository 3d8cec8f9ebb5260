import { badRequest } from '../errors.js';
import { readFields } from '../fields.js';
import { ok } from '../result.js';
import { referencedUser, requireFields, requireObject, type Ctx, type RouteDef } from '../routes.js';
import { ROLE, VISIT } from '../schemas.js';

// onefile-api.md §7.10: a visit is the calendar slot a review hangs off. VisitTypeID 0 not specified,
// 1 face to face, 2 remote (an assumption).
function create(ctx: Ctx) {
  requireObject(ctx.body);
  const f = readFields(VISIT, ctx.body);
  requireFields(f, ['LearnerID', 'AssessorID', 'DateFrom', 'DateTo']);
  const learner = referencedUser(ctx, f.LearnerID!, 'LearnerID');
  if (learner.Role !== ROLE.learner) throw badRequest(`LearnerID ${learner.ID} is not a learner.`);
  if (f.OrganisationID != null && f.OrganisationID !== learner.OrganisationID) {
    throw badRequest(`OrganisationID ${f.OrganisationID} is not the learner's organisation.`);
  }
  const assessor = ctx.sim.state.users.get(f.AssessorID!);
  if (!assessor || assessor.OrganisationID !== learner.OrganisationID || assessor.Role === ROLE.learner) {
    throw badRequest(`AssessorID ${f.AssessorID} is not a member of staff in organisation ${learner.OrganisationID}.`);
  }
  if (f.VisitTypeID != null && ![0, 1, 2].includes(f.VisitTypeID)) throw badRequest(`VisitTypeID ${f.VisitTypeID} is not 0, 1 or 2.`);
  if (f.DateTo! < f.DateFrom!) throw badRequest('DateTo is before DateFrom.');
  return ok(ctx.sim.state.visits.insert({ ...f, OrganisationID: learner.OrganisationID }).ID);
}

export const visitRoutes: RouteDef[] = [{ method: 'POST', path: '/Visit', handle: create }];
