import { badRequest, notFound } from '../errors.js';
import { readFields } from '../fields.js';
import { noContent, ok } from '../result.js';
import { idParam, ownsOrg, requireFields, requireObject, type Ctx, type RouteDef } from '../routes.js';
import { PLACEMENT, type Placement } from '../schemas.js';
import { filter, sameText, searchRoutes } from '../search.js';
import { createdAnswer } from './created.js';

// onefile-api.md §7.6: placements are the learners' employers / workplaces.

function placementOf(ctx: Ctx): Placement {
  const id = idParam(ctx, 'id', 'Placement');
  const p = ctx.sim.state.placements.get(id);
  if (!p || !ownsOrg(ctx, p.OrganisationID)) throw notFound('Placement', id);
  return p;
}

function create(ctx: Ctx) {
  requireObject(ctx.body);
  const f = readFields(PLACEMENT, ctx.body);
  requireFields(f, ['OrganisationID', 'Name']);
  if (!ownsOrg(ctx, f.OrganisationID!)) throw badRequest(`OrganisationID ${f.OrganisationID} was not found.`);
  return createdAnswer(ctx, ctx.sim.state.placements.insert(f));
}

function update(ctx: Ctx) {
  const p = placementOf(ctx);
  requireObject(ctx.body);
  const { OrganisationID: _ignored, ...f } = readFields(PLACEMENT, ctx.body);
  if ('Name' in f && (f.Name == null || f.Name === '')) throw badRequest('Name cannot be cleared.');
  Object.assign(p, f);
  return noContent;
}

export const placementRoutes: RouteDef[] = [
  ...searchRoutes('Placement', (ctx) => {
    const org = filter(ctx, 'OrganisationID', 'int');
    const name = filter(ctx, 'Name', 'string');
    return [...ctx.sim.state.placements.values()].filter((p) => (org === undefined || p.OrganisationID === org)
      && ownsOrg(ctx, p.OrganisationID) && (name === undefined || sameText(p.Name, name)));
  }, (p) => ({ ID: p.ID, Name: p.Name, MISID: p.MISID })),
  { method: 'GET', path: '/Placement/{id}', handle: (ctx) => ok(placementOf(ctx)) },
  { method: 'POST', path: '/Placement', handle: create },
  { method: 'POST', path: '/Placement/{id}', handle: update },
];
