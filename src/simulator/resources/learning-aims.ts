import { notFound } from '../errors.js';
import { readFields } from '../fields.js';
import { noContent, ok } from '../result.js';
import { idParam, ownsOrg, requireObject, type Ctx, type RouteDef } from '../routes.js';
import { LEARNING_AIM, type LearningAim } from '../schemas.js';
import { filter, searchRoutes } from '../search.js';
import { aimView } from '../state.js';

// onefile-api.md §7.9. Criteria counts move only as assessments are signed (seeded here), never through the API.

const UPDATABLE = ['Status', 'StartDate', 'PlannedEnd', 'AchievedDate', 'RegistrationNumber', 'RegistrationDate',
  'CertificateAppliedDate', 'CertificateReceivedDate'] as const;

function inScope(ctx: Ctx, a: LearningAim): boolean {
  return ownsOrg(ctx, ctx.sim.state.users.get(a.UserID ?? -1)?.OrganisationID ?? null);
}

function aimOf(ctx: Ctx): LearningAim {
  const id = idParam(ctx, 'id', 'LearningAim');
  const a = ctx.sim.state.learningAims.get(id);
  if (!a || !inScope(ctx, a)) throw notFound('LearningAim', id);
  return a;
}

function update(ctx: Ctx) {
  const aim = aimOf(ctx);
  requireObject(ctx.body);
  Object.assign(aim, readFields(LEARNING_AIM, ctx.body, UPDATABLE));
  return noContent;
}

export const learningAimRoutes: RouteDef[] = [
  ...searchRoutes('LearningAim', (ctx) => {
    const userId = filter(ctx, 'UserID', 'int');
    const standardId = filter(ctx, 'StandardID', 'int');
    const status = filter(ctx, 'Status', 'int');
    const aims = ctx.sim.state.learningAims;
    return [...(userId === undefined ? aims.values() : aims.where(userId))].filter((a) => (standardId === undefined || a.StandardID === standardId) && (status === undefined || a.Status === status)
      && inScope(ctx, a));
  }, (a, ctx) => (ctx.sim.options.learningAimRows === 'full'
    ? aimView(a)
    : { ID: a.ID, StandardID: a.StandardID, UserID: a.UserID, Status: a.Status })),
  { method: 'GET', path: '/LearningAim/{id}', handle: (ctx) => ok(aimView(aimOf(ctx))) },
  { method: 'POST', path: '/LearningAim/{id}', handle: update },
];
