import { ok, type ApiResult } from '../result.js';
import type { RouteDef } from '../routes.js';

// DOC-AUTH: the customer token buys a session, sent back as plain text and then used as X-TokenID.
export const authRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/Authentication', auth: 'customer-token',
    handle: (ctx): ApiResult => ({ status: 200, text: ctx.sim.sessions.open(ctx.customer.ID), contentType: 'text/plain; charset=utf-8' }),
  },
  { method: 'GET', path: '/Customer', handle: (ctx) => ok({ ID: ctx.customer.ID, Name: ctx.customer.Name }) },
];
