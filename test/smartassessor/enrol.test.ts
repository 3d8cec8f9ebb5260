import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_ORGANISATIONS } from '../../src/demo/catalogue.js';
import { DEMO_SA_CLIENT_KEY } from '../../src/demo/smartassessor.js';
import { linkOfficerToDirectoryEntry } from '../../src/producer/directory.js';
import { QUEUE } from '../../src/queues/names.js';
import { enqueueUnique } from '../../src/queues/enqueue.js';
import { JOB_NAME, jobIds } from '../../src/queues/job-options.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { GRACE, officerId, operations, redisText, refreshDirectory } from './support.js';

// A2–A4 end to end: the demo provider on Smart Assessor, enrolled through the job (producer → Redis →
// worker → SOAP → simulator), asserting on what the simulated Smart Assessor received.

let h: Harness;

/** Through the producer, or (`direct`) straight onto the queue, as a job already queued when PICS changed would run. */
async function enrol(ident: string, options: { direct?: boolean } = {}) {
  const learnerId = await h.producer.resolveLearnerIdent(ident);
  h.sim.smartAssessor.clearRequests();
  let jobId: string;
  if (options.direct) {
    jobId = jobIds.enrol(learnerId);
    await enqueueUnique(h.producer.queues[QUEUE.enrol], JOB_NAME.enrol, { learnerId }, jobId);
  } else {
    jobId = (await h.producer.enqueueEnrol(learnerId)).jobId;
  }
  const job = await h.waitForJob(h.producer.queues[QUEUE.enrol], jobId);
  const learner = await h.t.db.selectFrom('pics.learner').selectAll().where('id', '=', learnerId).executeTakeFirstOrThrow();
  const insert = h.sim.smartAssessor.requests().find((r) => r.operation === 'inserLearnerDetail');
  return { learnerId, job, learner, insert, sent: (insert?.args as { learner?: Record<string, string> } | undefined)?.learner };
}

beforeAll(async () => {
  h = await startHarness({ smartAssessor: true });
  await refreshDirectory(h);
  // The user links Grace Okafor (officer O0003) with Look Up Smart Assessor ID.
  await linkOfficerToDirectoryEntry(h.t.db, await officerId(h, 'O0003'), GRACE.id);
});
afterAll(() => h.close());

describe('A2 main officer', () => {
  it('an unlinked main officer: the learner goes with no officer information in the request at all', async () => {
    // L0003: main officer O0004 (Daniel Hughes), who has no Smart Assessor id.
    const { job, learner, insert, sent } = await enrol('L0003');
    expect(await job.getState()).toBe('completed');
    expect(sent).toBeDefined();
    expect(Object.keys(sent!).filter((k) => /^Assessor|Officer|Tutor|Staff/i.test(k))).toEqual([]);
    expect(insert!.envelope).not.toMatch(/Assessor(?!Id>)|Officer|Daniel|Hughes|daniel\.hughes/); // only Employer…SmartAssessorId, no officer
    expect(insert!.envelope).not.toContain('AssessorSmartAssessorId');
    // …and no other call carried one: no assessor created, looked up or assigned.
    expect(operations(h).filter((op) => /Assessor/i.test(op))).toEqual([]);
    expect(h.sim.smartAssessor.state.learners.get(learner.smartassessor_id!)?.AssessorSmartAssessorId).toBeUndefined();
    expect(job.returnvalue).toMatchObject({ provider: 'smartassessor', mainOfficerSent: 0, learnerCreated: 1 });
  });

  it('a linked main officer is sent with its Smart Assessor id', async () => {
    // L0002: main officer O0003 (Grace Okafor), linked above.
    const { job, learner, sent } = await enrol('L0002');
    expect(await job.getState()).toBe('completed');
    expect(sent!.AssessorSmartAssessorId).toBe(GRACE.id);
    expect(h.sim.smartAssessor.state.learners.get(learner.smartassessor_id!)).toMatchObject({ AssessorSmartAssessorId: GRACE.id, SunesisId: 'L0002' });
    expect(job.returnvalue).toMatchObject({ mainOfficerSent: 1 });
  });
});

describe('A3 learner and the id stored back', () => {
  it('sends the learner fields once and stores the Smart Assessor id on pics.learner.smartassessor_id', async () => {
    const { job, learner, sent } = await enrol('L0005');
    expect(await job.getState()).toBe('completed');
    expect(learner.smartassessor_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toMatchObject({
      SunesisId: 'L0005', GivenNames: learner.first_name, FamilyName: learner.surname, DateOfBirth: learner.birth_date!.replaceAll('-', '/'),
      ULN: learner.uln, NINumber: learner.ni_number, Email: learner.email, Mobile: learner.mobile, HomeAddressLine1: learner.address1,
      HomeAddressLocality: learner.address2, HomeAddressPostCode: learner.postcode, SendWelcomeEmail: 'true',
    });
    const status = await h.producer.enrolStatus(learner.id);
    expect(status).toMatchObject({ status: 'completed', externalLearnerId: learner.smartassessor_id, stepsDone: ['sa:employer', 'sa:learner'] });
  });

  it('enrolling it again sends nothing and answers the same id (E7: never a second learner)', async () => {
    const first = await h.t.db.selectFrom('pics.learner').select('smartassessor_id').where('ident', '=', 'L0005').executeTakeFirstOrThrow();
    // PICSWeb's request is refused at the door; a job that still runs (queued before) finishes without a call.
    await expect(enrol('L0005')).rejects.toThrow(/already has Smart Assessor id/);
    const { job, learner } = await enrol('L0005', { direct: true });
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({ resumed: 1 });
    expect(operations(h)).toEqual([]);
    expect(learner.smartassessor_id).toBe(first.smartassessor_id);
  });

  it('a learner whose Smart Assessor id was set by hand is refused: it is already there', async () => {
    const learnerId = await h.producer.resolveLearnerIdent('L0008');
    await h.t.db.updateTable('pics.learner').set({ smartassessor_id: '5a1e0000-0000-4000-8000-0000000000ff' }).where('id', '=', learnerId).execute();
    await expect(enrol('L0008')).rejects.toThrow(/already has Smart Assessor id 5a1e0000-0000-4000-8000-0000000000ff/);
    const { job } = await enrol('L0008', { direct: true });
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('already has Smart Assessor id 5a1e0000-0000-4000-8000-0000000000ff: link by hand');
    expect(operations(h)).toEqual([]);
    expect(await h.producer.enrolStatus(learnerId)).toMatchObject({ status: 'refused' });
  });

  it('a learner a PICS user must fix fails at once, with the problem recorded and nothing sent', async () => {
    const { job, learnerId } = await enrol('L0021'); // no placement
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(operations(h)).toEqual([]);
    expect(await h.producer.enrolStatus(learnerId)).toMatchObject({ status: 'failed', problems: [{ field: 'placement', message: expect.stringContaining('no current placement') }] });
  });
});

describe('A4 employer', () => {
  it('an unlinked organisation is created with name, phone, EDRS, address, postcode and website; its id stored back', async () => {
    // L0004's current employer is E0005 (Northgate Council Services), not in Smart Assessor.
    const { job, learner } = await enrol('L0004');
    expect(await job.getState()).toBe('completed');
    const org = DEMO_ORGANISATIONS.find((o) => o.ident === 'E0005')!;
    const created = [...h.sim.smartAssessor.state.employers.values()].find((e) => e.Name === org.name)!;
    expect(created).toEqual({
      SmartAssessorId: created.SmartAssessorId, SunesisId: 'E0005', Name: org.name, EdsId: org.edrsNumber, AddressLine1: org.address[0],
      AddressLine2: org.address[1], AddressTown: org.address[2], AddressPostCode: org.postcode, Telephone: org.telephone, Website: org.website,
    });
    const stored = await h.t.db.selectFrom('pics.organisation').select('additional_id').where('ident', '=', 'E0005').executeTakeFirstOrThrow();
    expect(stored.additional_id).toBe(created.SmartAssessorId);
    expect(h.sim.smartAssessor.state.learners.get(learner.smartassessor_id!)?.EmployerSmartAssessorId).toBe(created.SmartAssessorId);
  });

  it('a linked organisation is matched by its Additional ID: no look-up, no create', async () => {
    // L0006's current employer is E0001, linked to 7001 in the demo data.
    const { job, learner, sent } = await enrol('L0006');
    expect(await job.getState()).toBe('completed');
    expect(operations(h)).toEqual(['getAllLearnerDetail', 'inserLearnerDetail']);
    expect(sent?.EmployerSmartAssessorId).toBe('7001');
    expect(h.sim.smartAssessor.state.learners.get(learner.smartassessor_id!)?.EmployerSmartAssessorId).toBe('7001');
  });

  it('an unlinked organisation Smart Assessor already has (one EDRS number) is found, not created again', async () => {
    // L0001's current employer is E0002 (Harbour View Hotel), in Smart Assessor as 7002 but not linked in PICS.
    const before = h.sim.smartAssessor.state.employers.size;
    const { job, learner, sent } = await enrol('L0001');
    expect(await job.getState()).toBe('completed');
    expect(h.sim.smartAssessor.state.employers.size).toBe(before);
    expect((await h.t.db.selectFrom('pics.organisation').select('additional_id').where('ident', '=', 'E0002').executeTakeFirstOrThrow()).additional_id).toBe('7002');
    // …and the learner goes to it.
    expect(sent?.EmployerSmartAssessorId).toBe('7002');
    expect(h.sim.smartAssessor.state.learners.get(learner.smartassessor_id!)?.EmployerSmartAssessorId).toBe('7002');
  });

  it('a later learner at an employer the enrol created reuses it (Additional ID now set)', async () => {
    const { job, learner, sent } = await enrol('L0010'); // E0005 again (10 % 6 = 4)
    expect(await job.getState()).toBe('completed');
    expect(operations(h)).not.toContain('inserEmployerDetail');
    // The employer is still sent: the one the first enrol created and stored on E0005.
    const e0005 = (await h.t.db.selectFrom('pics.organisation').select('additional_id').where('ident', '=', 'E0005').executeTakeFirstOrThrow()).additional_id;
    expect(e0005).toMatch(/\S/);
    expect(sent?.EmployerSmartAssessorId).toBe(e0005);
    expect(h.sim.smartAssessor.state.learners.get(learner.smartassessor_id!)?.EmployerSmartAssessorId).toBe(e0005);
  });
});

describe('no duplicates, no secrets', () => {
  it('Smart Assessor holds no two learners with one MIS id or ULN, and no two employers with one name', () => {
    expect(h.sim.smartAssessor.duplicates()).toMatchObject({ total: 0 });
  });

  it('the client key and password are in no log line, job and no Redis key', async () => {
    const redis = await redisText(h);
    for (const secret of [DEMO_SA_CLIENT_KEY, 'demo-sa-password']) {
      expect(h.logs.join('\n')).not.toContain(secret);
      expect(redis).not.toContain(secret);
    }
    expect(h.logs.some((l) => l.includes('Smart Assessor enrol done'))).toBe(true);
  });
});
