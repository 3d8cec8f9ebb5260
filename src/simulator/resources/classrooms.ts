import { badRequest, notFound } from '../errors.js';
import { readFields } from '../fields.js';
import { ok } from '../result.js';
import { idParam, ownsOrg, requireFields, requireObject, type Ctx, type RouteDef } from '../routes.js';
import { CLASSROOM, type Classroom } from '../schemas.js';
import { filter, sameText, searchRoutes } from '../search.js';
import { createdAnswer } from './created.js';

// onefile-api.md §7.5. Names need not be unique: OneFile lets a second "All Learners" in (E6 must not).

function classroomOf(ctx: Ctx): Classroom {
  const id = idParam(ctx, 'id', 'Classroom');
  const c = ctx.sim.state.classrooms.get(id);
  if (!c || !ownsOrg(ctx, c.OrganisationID)) throw notFound('Classroom', id);
  return c;
}

function create(ctx: Ctx) {
  requireObject(ctx.body);
  const f = readFields(CLASSROOM, ctx.body);
  requireFields(f, ['OrganisationID', 'Name']);
  if (!ownsOrg(ctx, f.OrganisationID!)) throw badRequest(`OrganisationID ${f.OrganisationID} was not found.`);
  return createdAnswer(ctx, ctx.sim.state.classrooms.insert(f));
}

export const classroomRoutes: RouteDef[] = [
  ...searchRoutes('Classroom', (ctx) => {
    const org = filter(ctx, 'OrganisationID', 'int');
    const name = filter(ctx, 'Name', 'string');
    return [...ctx.sim.state.classrooms.values()].filter((c) => (org === undefined || c.OrganisationID === org)
      && ownsOrg(ctx, c.OrganisationID) && (name === undefined || sameText(c.Name, name)));
  }, (c) => ({ ID: c.ID, Name: c.Name, MISID: c.MISID })),
  { method: 'GET', path: '/Classroom/{id}', handle: (ctx) => ok(classroomOf(ctx)) },
  { method: 'POST', path: '/Classroom', handle: create },
];
