import { badRequest, notFound } from '../errors.js';
import { readFields } from '../fields.js';
import { ok } from '../result.js';
import { idParam, ownsOrg, userOf, type Ctx, type RouteDef } from '../routes.js';
import { LEARNING_AIM, ROLE, type Standard } from '../schemas.js';
import { filter, searchRoutes } from '../search.js';

// onefile-api.md §7.8: standards carry their code in square brackets at the end of Title, or in Code.

/** Assigning a standard to a learner creates a learning aim; the answer is its bare id. */
function assign(ctx: Ctx) {
  const standardId = idParam(ctx, 'id', 'Standard');
  const standard = ctx.sim.state.standards.get(standardId);
  if (!standard || !ownsOrg(ctx, standard.OrganisationID)) throw notFound('Standard', standardId);
  const learner = userOf(ctx, idParam(ctx, 'learnerId', 'User'));
  if (learner.Role !== ROLE.learner) throw badRequest(`User ${learner.ID} is not a learner.`);
  if (learner.OrganisationID !== standard.OrganisationID) {
    throw badRequest(`Standard ${standard.ID} is not available to organisation ${learner.OrganisationID}.`);
  }
  // Start and planned end dates may come along in the body; the rest is set later by POST /LearningAim/{id}.
  const dates = readFields(LEARNING_AIM, ctx.body, ['StartDate', 'PlannedEnd']);
  const aim = ctx.sim.state.learningAims.insert({ ...dates, UserID: learner.ID, StandardID: standard.ID });
  return ok(aim.ID);
}

const row = (s: Standard) => (s.Code === null ? { ID: s.ID, Title: s.Title } : { ID: s.ID, Title: s.Title, Code: s.Code });

export const standardRoutes: RouteDef[] = [
  ...searchRoutes('Standard', (ctx) => {
    const org = filter(ctx, 'OrganisationID', 'int');
    const title = filter(ctx, 'Title', 'string')?.toLowerCase();
    return [...ctx.sim.state.standards.values()].filter((s) => (org === undefined || s.OrganisationID === org)
      && ownsOrg(ctx, s.OrganisationID) && (title === undefined || (s.Title ?? '').toLowerCase().includes(title)));
  }, row),
  { method: 'POST', path: '/Standard/{id}/Assign/{learnerId}', handle: assign },
];
