import {
  DEMO_CUSTOMER, DEMO_CUSTOMER_TOKEN, DEMO_EXISTING_CLASSROOMS, DEMO_OFFICERS, DEMO_ONEFILE_ONLY_ASSESSORS,
  DEMO_ORGANISATION, DEMO_ORGANISATIONS, DEMO_QUALIFICATIONS, DEMO_SECOND_CENTRE, DEMO_UNMATCHED_STANDARDS,
} from '../demo/catalogue.js';
import { ROLE } from './schemas.js';
import type { SeedInput } from './seed.js';

/**
 * The OneFile side of the demo training provider (src/demo/catalogue.ts), so the PICS demo data can be
 * enrolled and synced against it: the customer and its token (valid in every environment, whichever one the
 * demo settings pick), the organisation, the assessors and placements PICS already links to (MISID = the PICS
 * ident), an assessor only OneFile has, the existing classrooms and every standard. No learners: enrolling
 * them is the worker's job.
 */
export function demoSeed(options: { centres?: 1 | 2 } = {}): SeedInput {
  const seed = oneCentreSeed();
  return options.centres === 2 ? withSecondCentre(seed) : seed;
}

/**
 * The multi-centre demo: the same customer with a second organisation holding its own standards (a subset, under
 * other ids), its own classroom and one assessor for an officer the first centre also has, MIS value = ident.
 */
function withSecondCentre(seed: SeedInput): SeedInput {
  const c = DEMO_SECOND_CENTRE;
  const officer = DEMO_OFFICERS.find((o) => o.ident === c.sharedAssessor.ident)!;
  const offered = DEMO_QUALIFICATIONS.filter((q) => (c.offers as readonly string[]).includes(q.title)).flatMap((q) => q.standards);
  return {
    ...seed,
    organisations: [...seed.organisations!, { ID: c.id, CustomerID: DEMO_CUSTOMER.id, Name: c.name }],
    users: [...seed.users!, {
      ID: c.sharedAssessor.id, OrganisationID: c.id, Role: ROLE.assessor, FirstName: officer.forenames, LastName: officer.surname,
      Email: officer.email, MISID: officer.ident,
    }],
    classrooms: [...seed.classrooms!, ...c.classrooms.map((r) => ({ ID: r.id, OrganisationID: c.id, Name: r.name }))],
    standards: [...seed.standards!, ...offered.map((s) => ({ ID: s.id + c.standardIdOffset, OrganisationID: c.id, Title: s.title, Code: s.code ?? null }))],
  };
}

function oneCentreSeed(): SeedInput {
  const org = DEMO_ORGANISATION.id;
  const standards = [...DEMO_QUALIFICATIONS.flatMap((q) => q.standards), ...DEMO_UNMATCHED_STANDARDS];
  return {
    customers: [{ ID: DEMO_CUSTOMER.id, Name: DEMO_CUSTOMER.name, Token: DEMO_CUSTOMER_TOKEN }],
    organisations: [{ ID: org, CustomerID: DEMO_CUSTOMER.id, Name: DEMO_ORGANISATION.name }],
    users: [
      ...DEMO_OFFICERS.filter((o) => o.oneFileAssessorId !== undefined).map((o) => ({
        ID: o.oneFileAssessorId, OrganisationID: org, Role: ROLE.assessor, FirstName: o.forenames,
        LastName: o.surname, Email: o.email, MISID: o.ident,
      })),
      ...DEMO_ONEFILE_ONLY_ASSESSORS.map((a) => ({
        ID: a.id, OrganisationID: org, Role: ROLE.assessor, FirstName: a.firstName, LastName: a.lastName, MISID: a.misId,
      })),
    ],
    placements: DEMO_ORGANISATIONS.filter((o) => o.oneFilePlacementId !== undefined).map((o) => ({
      ID: o.oneFilePlacementId, OrganisationID: org, Name: o.name, MISID: o.ident,
      Address: [...o.address, o.postcode].join('\n'), Email: o.email, Telephone: o.telephone, Web: o.website,
    })),
    classrooms: DEMO_EXISTING_CLASSROOMS.map((c) => ({ ID: c.id, OrganisationID: org, Name: c.name })),
    standards: standards.map((s) => ({ ID: s.id, OrganisationID: org, Title: s.title, Code: s.code ?? null })),
  };
}
