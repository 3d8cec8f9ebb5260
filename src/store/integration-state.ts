import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';

// D11: "the first sync after the integration is enabled". The worker notes when it first sees the
// integration enabled; the first daily run that completes after that marks the first sync done. Switching
// the integration off and on again (seen by a job while it is off) starts a new "first sync".

export async function noteIntegrationState(db: Kysely<DB>, provider: 'onefile' | 'smartassessor', enabled: boolean): Promise<void> {
  if (enabled) {
    await db.insertInto('eportfolio_sync.integration_state').values({ provider, enabled_seen_at: new Date() })
      .onConflict((oc) => oc.column('provider').doUpdateSet({ enabled_seen_at: new Date(), first_sync_completed_at: null })
        .where('eportfolio_sync.integration_state.enabled_seen_at', 'is', null))
      .execute();
  } else {
    await db.updateTable('eportfolio_sync.integration_state').set({ enabled_seen_at: null, first_sync_completed_at: null })
      .where('provider', '=', provider).execute();
  }
}

export async function isFirstSync(db: Kysely<DB>, provider: 'onefile' | 'smartassessor'): Promise<boolean> {
  const row = await db.selectFrom('eportfolio_sync.integration_state').select('first_sync_completed_at').where('provider', '=', provider).executeTakeFirst();
  return !row || row.first_sync_completed_at === null;
}

export async function markFirstSyncDone(db: Kysely<DB>, provider: 'onefile' | 'smartassessor'): Promise<void> {
  await db.insertInto('eportfolio_sync.integration_state').values({ provider, enabled_seen_at: new Date(), first_sync_completed_at: new Date() })
    .onConflict((oc) => oc.column('provider').doUpdateSet({ first_sync_completed_at: new Date() })).execute();
}
