import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

/*
 * The demo training provider when it runs Smart Assessor instead of OneFile: what the simulated Smart
 * Assessor holds at start (src/simulator/smartassessor/demo-seed.ts), and the switch of the demo PICS data to
 * it. Everything here is fictional.
 */

/** Demo-only credential: the simulated Smart Assessor's client key (the AuthHeader ApiKey). */
export const DEMO_SA_CLIENT_KEY = 'demo-sa-client-key-51d0e8';

export interface DemoSaAssessor {
  id: string; firstName: string; lastName: string; email: string; userName: string;
  /** The PICS officer this assessor is (linked by the look-up, never automatically). */
  sameAsOfficerIdent?: string;
}

export const DEMO_SA_ASSESSORS: DemoSaAssessor[] = [
  { id: 'a55e0000-0000-4000-8000-000000000001', firstName: 'Grace', lastName: 'Okafor', email: 'grace.okafor@northgate.example',
    userName: 'grace.okafor', sameAsOfficerIdent: 'O0003' },
  { id: 'a55e0000-0000-4000-8000-000000000002', firstName: 'Helen', lastName: 'Carter', email: 'helen.carter@northgate.example', userName: 'helen.carter' },
  { id: 'a55e0000-0000-4000-8000-000000000003', firstName: 'Sam', lastName: 'Whitfield', email: 'sam.whitfield@northgate.example', userName: 'sam.whitfield' },
];

export interface DemoSaEmployer {
  id: number; name: string; edrsNumber: string; postcode: string;
  /** PICS holds this employer's id in the organisation's Additional ID (linked before go-live). */
  linkedOrganisationIdent?: string;
}

export const DEMO_SA_EMPLOYERS: DemoSaEmployer[] = [
  { id: 7001, name: 'Brightwater Logistics Ltd', edrsNumber: '100000001', postcode: 'M17 1AB', linkedOrganisationIdent: 'E0001' },
  // Not linked in PICS, but one EDRS number: an enrol finds it instead of creating a second one.
  { id: 7002, name: 'Harbour View Hotel', edrsNumber: '100000002', postcode: 'L3 4AA' },
];

/**
 * Switches the seeded demo PICS data to Smart Assessor: OneFile off, Smart Assessor on (pointing at
 * `baseUrl`), and the OneFile ids the demo keeps in Other System ID / Additional ID replaced by what a
 * Smart Assessor site would hold there (both ePortfolios use those fields).
 */
export async function useSmartAssessorInDemo(db: Kysely<DB>, baseUrl: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('pics.onefile_settings').set({ integration_enabled: false }).execute();
    await tx.updateTable('pics.smartassessor_settings').set({
      integration_enabled: true, base_url: baseUrl, username: 'api.smartassessor@northgate.example', password: 'demo-sa-password',
      client_key: DEMO_SA_CLIENT_KEY, send_learner_welcome_email: true,
    }).execute();
    await tx.updateTable('pics.officer').set({ other_system_id: null }).execute();
    await tx.updateTable('pics.organisation').set({ additional_id: null }).execute();
    for (const e of DEMO_SA_EMPLOYERS) {
      if (e.linkedOrganisationIdent) await tx.updateTable('pics.organisation').set({ additional_id: String(e.id) }).where('ident', '=', e.linkedOrganisationIdent).execute();
    }
  });
}
