import {
  DEMO_CUSTOMER, DEMO_CUSTOMER_TOKEN, DEMO_EXISTING_CLASSROOMS, DEMO_OFFICERS, DEMO_ONEFILE_ONLY_ASSESSORS,
  DEMO_ORGANISATION, DEMO_ORGANISATIONS, DEMO_QUALIFICATIONS, DEMO_UNMATCHED_STANDARDS,
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
export function demoSeed(): SeedInput {
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
