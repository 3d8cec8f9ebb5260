import { ok } from '../result.js';
import { idParam, organisationOf, type RouteDef } from '../routes.js';
import { filter, searchRoutes } from '../search.js';
import type { Organisation } from '../schemas.js';

const view = (o: Organisation) => ({
  ID: o.ID, Name: o.Name,
  KeychainCreationForNewUserActive: o.KeychainCreationForNewUserActive, KeychainEmailSuppression: o.KeychainEmailSuppression,
});

export const organisationRoutes: RouteDef[] = [
  ...searchRoutes('Organisation', (ctx) => {
    const customerId = filter(ctx, 'CustomerID', 'int');
    if (customerId !== undefined && customerId !== ctx.customer.ID) return [];
    return [...ctx.sim.state.organisations.values()].filter((o) => o.CustomerID === ctx.customer.ID);
  }, view),
  { method: 'GET', path: '/Organisation/{id}', handle: (ctx) => ok(view(organisationOf(ctx, idParam(ctx, 'id', 'Organisation')))) },
];
