import type { OneFileClient } from '../../onefile/client.js';
import type { OneFileSettings } from '../../domain/settings.js';

/**
 * The OneFile centres (organisations) the provider works in: the settings' organisation, and in multi-centre
 * mode every organisation of the customer as OneFile lists it (two calls: the customer, then its organisations).
 * The settings' organisation is always included, so a listing that misses it cannot drop the default centre.
 */
export async function listCentres(client: OneFileClient, settings: Pick<OneFileSettings, 'multiCentre' | 'organisationId'>): Promise<number[]> {
  const centres = new Set<number>(settings.organisationId ? [settings.organisationId] : []);
  if (settings.multiCentre) {
    const customer = await client.customer();
    for (const organisation of await client.searchOrganisations(customer.id).all()) centres.add(organisation.id);
  }
  return [...centres].sort((a, b) => a - b);
}
