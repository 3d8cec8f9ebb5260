import { ok, type ApiResult } from '../result.js';
import type { RouteDef } from '../routes.js';

// DOC-AUTH: the customer token buys a session, sent back as plain text and then used as X-TokenID.
export const authRoutes: RouteDef[] = [
  {
    method: 'POST', path: '/Authentication', auth: 'customer-token',
    handle: (ctx): ApiResult => {
      const session = ctx.sim.sessions.open(ctx.customer.ID);
      // Whether OneFile quotes it is unknown (onefile-api.md §2): options.sessionBody plays either.
      return ctx.sim.options.sessionBody === 'quoted' ? ok(session) : { status: 200, text: session, contentType: 'text/plain; charset=utf-8' };
    },
  },
  { method: 'GET', path: '/Customer', handle: (ctx) => ok({ ID: ctx.customer.ID, Name: ctx.customer.Name }) },
];
