import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_ONEFILE_ONLY_ASSESSORS } from '../../src/demo/catalogue.js';
import { DEMO_SA_ASSESSORS, DEMO_SA_EMPLOYERS } from '../../src/demo/smartassessor.js';
import {
  DirectoryError, linkOfficerToDirectoryEntry, linkOrganisationToDirectoryEntry, readDirectory,
} from '../../src/producer/directory.js';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { GRACE, HELEN, SAM, officerId, operations, organisationId, refreshDirectory } from './support.js';

// A1: the Look Up Smart Assessor ID picker — the directory job reads every assessor and employer from the
// enabled ePortfolio, PICSWeb lists them, a chosen id is saved in PICS, and nothing ever copies it back.

async function thrown(fn: () => Promise<unknown>): Promise<DirectoryError> {
  try {
    await fn();
  } catch (error) {
    return error as DirectoryError;
  }
  throw new Error('expected a failure');
}

describe('A1 with Smart Assessor enabled', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ smartAssessor: true });
  });
  afterAll(() => h.close());

  it('the picker lists every Smart Assessor assessor and employer, read by the refresh-directory job', async () => {
    expect((await readDirectory(h.t.db, 'assessor')).refreshedAt).toBeNull(); // never read yet
    const job = await refreshDirectory(h);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ provider: 'smartassessor', assessors: 3, employers: 2, added: 5, removed: 0 });
    expect(operations(h).sort()).toEqual(['getAllAssessorDetail', 'getAllEmployerDetail']);

    const assessors = await readDirectory(h.t.db, 'assessor');
    expect(assessors.provider).toBe('smartassessor');
    expect(assessors.refreshedAt).toBeInstanceOf(Date);
    expect(assessors.entries.map((e) => [e.externalId, e.name, e.email])).toEqual(
      [...DEMO_SA_ASSESSORS].sort((a, b) => a.firstName.localeCompare(b.firstName)).map((a) => [a.id, `${a.firstName} ${a.lastName}`, a.email]),
    );
    expect(assessors.entries.every((e) => e.linkedTo.length === 0)).toBe(true);

    const employers = await readDirectory(h.t.db, 'employer');
    expect(employers.entries.map((e) => e.externalId)).toEqual(DEMO_SA_EMPLOYERS.map((e) => String(e.id)));
    // Brightwater is linked in the demo data (its Additional ID): the picker says to whom.
    expect(employers.entries[0]!.linkedTo).toEqual([{ id: await organisationId(h, 'E0001'), ident: 'E0001', name: 'Brightwater Logistics Ltd' }]);
    expect((await readDirectory(h.t.db, 'assessor', { search: 'okaf' })).entries.map((e) => e.externalId)).toEqual([GRACE.id]);
  });

  it('Save stores the chosen id on the officer\'s Other System ID, and sends nothing to Smart Assessor', async () => {
    const grace = await officerId(h, 'O0003');
    h.sim.smartAssessor.clearRequests();
    const result = await linkOfficerToDirectoryEntry(h.t.db, grace, GRACE.id);
    expect(result).toEqual({ provider: 'smartassessor', id: grace, externalId: GRACE.id, previous: null });
    const row = await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', grace).executeTakeFirstOrThrow();
    expect(row.other_system_id).toBe(GRACE.id);
    expect(operations(h)).toEqual([]);
    expect((await readDirectory(h.t.db, 'assessor')).entries.find((e) => e.externalId === GRACE.id)!.linkedTo.map((o) => o.ident)).toEqual(['O0003']);
  });

  it('the organisation\'s Additional ID is set the same way', async () => {
    const harbour = await organisationId(h, 'E0002');
    expect(await linkOrganisationToDirectoryEntry(h.t.db, harbour, '7002')).toMatchObject({ externalId: '7002', previous: null });
    const row = await h.t.db.selectFrom('pics.organisation').select('additional_id').where('id', '=', harbour).executeTakeFirstOrThrow();
    expect(row.additional_id).toBe('7002');
  });

  it('refuses what it cannot save, with a reason: unknown id, id taken by another officer, unknown officer', async () => {
    const daniel = await officerId(h, 'O0004');
    expect(await thrown(() => linkOfficerToDirectoryEntry(h.t.db, daniel, 'a55e-not-there'))).toMatchObject({ code: 'unknown-entry' });
    expect(await thrown(() => linkOfficerToDirectoryEntry(h.t.db, daniel, GRACE.id))).toMatchObject({
      code: 'already-linked', message: `${GRACE.id} is already the Other System ID of O0003 (Grace Okafor): unlink it there first`,
    });
    expect(await thrown(() => linkOfficerToDirectoryEntry(h.t.db, 987_654, SAM.id))).toMatchObject({ code: 'unknown-officer' });
    expect(await thrown(() => linkOrganisationToDirectoryEntry(h.t.db, daniel, GRACE.id))).toMatchObject({ code: expect.stringMatching(/unknown-(organisation|entry)/) });
  });

  it('a later change in Smart Assessor is not copied back: not by the next refresh, not by an enrol', async () => {
    const grace = await officerId(h, 'O0003');
    const before = await h.t.db.selectFrom('pics.officer').selectAll().where('id', '=', grace).executeTakeFirstOrThrow();
    // In Smart Assessor: Grace is renamed and stamped with another MIS id; Helen is deleted.
    h.sim.smartAssessor.seed({ assessors: [{ SmartAssessorId: GRACE.id, FirstName: 'Grace', LastName: 'Okafor-Reid', Email: 'g.reid@northgate.example', SunesisId: 'O9999' }] });
    h.sim.smartAssessor.state.assessors.delete(HELEN.id);

    const job = await refreshDirectory(h);
    expect(job.returnvalue).toMatchObject({ assessors: 2, added: 0, removed: 1 });
    const listed = (await readDirectory(h.t.db, 'assessor')).entries;
    expect(listed.find((e) => e.externalId === GRACE.id)).toMatchObject({ name: 'Grace Okafor-Reid', misId: 'O9999' });
    expect(listed.some((e) => e.externalId === HELEN.id)).toBe(false);

    // PICS keeps exactly what the user saved: the id, the name, the email.
    const after = await h.t.db.selectFrom('pics.officer').selectAll().where('id', '=', grace).executeTakeFirstOrThrow();
    expect(after).toEqual(before);

    // An enrol with Grace as main officer sends her linked id and still changes nothing on the officer.
    const learner = await h.producer.resolveLearnerIdent('L0002');
    const { jobId } = await h.producer.enqueueEnrol(learner);
    expect(await (await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId)).getState()).toBe('completed');
    expect(await h.t.db.selectFrom('pics.officer').selectAll().where('id', '=', grace).executeTakeFirstOrThrow()).toEqual(before);
  });

  it('an id changed by hand in PICS is not sent to Smart Assessor either', async () => {
    const grace = await officerId(h, 'O0003');
    await h.t.db.updateTable('pics.officer').set({ other_system_id: SAM.id }).where('id', '=', grace).execute();
    h.sim.smartAssessor.clearRequests();
    await refreshDirectory(h);
    expect(operations(h).sort()).toEqual(['getAllAssessorDetail', 'getAllEmployerDetail']); // reads only
    expect(h.sim.smartAssessor.state.assessors.get(SAM.id)).toMatchObject({ FirstName: 'Sam', LastName: 'Whitfield' });
    expect(h.sim.smartAssessor.state.assessors.get(SAM.id)?.SunesisId).toBeUndefined();
  });
});

describe('A1 with OneFile enabled: the same job and picker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('lists OneFile assessors and placements, and links an officer to one', async () => {
    const job = await refreshDirectory(h);
    expect(job.returnvalue).toMatchObject({ provider: 'onefile' });
    const assessors = await readDirectory(h.t.db, 'assessor');
    expect(assessors.provider).toBe('onefile');
    const helen = DEMO_ONEFILE_ONLY_ASSESSORS[0]!;
    expect(assessors.entries.find((e) => e.externalId === String(helen.id))).toMatchObject({ name: 'Helen Carter', misId: helen.misId, linkedTo: [] });
    expect((await readDirectory(h.t.db, 'employer')).entries.length).toBeGreaterThan(0);
    const mark = await officerId(h, 'O0006');
    await linkOfficerToDirectoryEntry(h.t.db, mark, String(helen.id));
    expect((await h.t.db.selectFrom('pics.officer').select('other_system_id').where('id', '=', mark).executeTakeFirstOrThrow()).other_system_id).toBe(String(helen.id));
    expect(h.sim.stats().byEndpoint['POST /User/{id}']).toBeUndefined(); // nothing written to OneFile
  });
});
