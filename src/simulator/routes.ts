import { ApiError, badRequest, notFound } from './errors.js';
import type { Body } from './fields.js';
import type { ApiResult } from './result.js';
import type { Customer, Organisation, User } from './schemas.js';
import type { Simulator } from './simulator.js';

/** What a handler gets: the simulator, the caller's customer, path parameters and the body. */
export interface Ctx {
  sim: Simulator;
  customer: Customer;
  params: Record<string, string>;
  body: Body;
}

export interface RouteDef {
  method: 'GET' | 'POST';
  /** Template under /api/v2.1 with `{param}` placeholders; it is also the endpoint's label in the stats. */
  path: string;
  /** How the caller proves who it is: a session (X-TokenID, the default) or the customer token itself. */
  auth?: 'session' | 'customer-token';
  handle(ctx: Ctx): ApiResult;
}

export const label = (r: Pick<RouteDef, 'method' | 'path'>): string => `${r.method} ${r.path}`;

/** An integer path parameter; anything else names no record, hence 404. */
export function idParam(ctx: Ctx, name: string, what: string): number {
  const raw = ctx.params[name] ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw notFound(what, raw);
  return Number(raw);
}

export function ownsOrg(ctx: Ctx, orgId: number | null): boolean {
  if (orgId === null) return false;
  return ctx.sim.state.organisations.get(orgId)?.CustomerID === ctx.customer.ID;
}

export function organisationOf(ctx: Ctx, id: number): Organisation {
  const org = ctx.sim.state.organisations.get(id);
  if (!org || org.CustomerID !== ctx.customer.ID) throw notFound('Organisation', id);
  return org;
}

/** A user of this customer; other customers' users do not exist as far as the caller can tell. */
export function userOf(ctx: Ctx, id: number): User {
  const user = ctx.sim.state.users.get(id);
  if (!user || !ownsOrg(ctx, user.OrganisationID)) throw notFound('User', id);
  return user;
}

/** A user named in the body: one that does not exist (for this customer) makes the request invalid, 400. */
export function referencedUser(ctx: Ctx, id: number, field: string): User {
  const user = ctx.sim.state.users.get(id);
  if (!user || !ownsOrg(ctx, user.OrganisationID)) throw badRequest(`${field} ${id} was not found.`);
  return user;
}

export function requireObject(body: Body): void {
  if (!body.isObject) throw new ApiError(400, 'The request body is missing or is not a JSON object.');
}

/** 400 naming every one of `names` that `fields` lacks (null or empty), e.g. "A and B are required for a learner." */
export function requireFields(fields: object, names: readonly string[], forWhom = ''): void {
  const f = fields as Record<string, unknown>;
  const missing = names.filter((k) => f[k] == null || f[k] === '');
  if (missing.length > 0) throw badRequest(`${listNames(missing)} ${missing.length === 1 ? 'is' : 'are'} required${forWhom}.`);
}

/** Field names listed as an English phrase: "A, B and C". */
export function listNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
