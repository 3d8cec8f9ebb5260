import { afterEach, describe, expect, it } from '@jest/globals';
import { QUEUE } from '../../src/queues/names.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * E7: a crash between "created in OneFile" and "recorded here", after each OneFile write in turn. The
 * simulator does the write and then drops the connection (the worker never learns the new id, exactly as if
 * it had died), the job's retry runs, and the simulator's duplicate check must find nothing.
 */

const TODAY = new Date().toISOString().slice(0, 10);

/** Makes learner L0002 need every kind of OneFile write: new employer, classroom, assessor, aim, review, assignments. */
async function freshLearner(h: Harness, options: { linkedMainOfficer: boolean }): Promise<number> {
  const db = h.t.db;
  const learnerId = await h.producer.resolveLearnerIdent('L0002');
  const tag = await db.insertInto('pics.tag').values({ name: 'Crash Cohort' }).returning('id').executeTakeFirstOrThrow();
  const org = await db.insertInto('pics.organisation').values({ ident: 'E0999', name: 'Crash Employer Ltd' }).returning('id').executeTakeFirstOrThrow();
  const officer = await db.insertInto('pics.officer').values({
    ident: 'O0999', forenames: 'Casey', surname: 'Crash', email: 'casey@northgate.example', other_system_id: options.linkedMainOfficer ? '122763' : null,
  }).returning('id').executeTakeFirstOrThrow();
  const linked = await db.selectFrom('pics.officer').select('id').where('ident', '=', 'O0001').executeTakeFirstOrThrow();
  const mentor = await db.selectFrom('pics.officer').select('id').where('ident', '=', 'O0002').executeTakeFirstOrThrow();
  const teamLeader = await db.selectFrom('pics.qualification').select('id').where('vq_reference', '=', 'ST0384AS').executeTakeFirstOrThrow();
  await db.updateTable('pics.learner').set({ main_tag_id: tag.id, main_officer_id: officer.id }).where('id', '=', learnerId).execute();
  await db.insertInto('pics.placement').values({ learner_id: learnerId, organisation_id: org.id, placement_type: 'P', start_date: TODAY }).execute();
  await db.deleteFrom('pics.learner_unit').where('learner_qualification_id', 'in', (eb) => eb.selectFrom('pics.learner_qualification').select('id').where('learner_id', '=', learnerId)).execute();
  await db.deleteFrom('pics.learner_qualification').where('learner_id', '=', learnerId).execute();
  await db.insertInto('pics.learner_qualification').values({ learner_id: learnerId, qualification_id: teamLeader.id, assessor_officer_id: linked.id, start_date: '2026-01-05' }).execute();
  await db.insertInto('pics.review').values({ learner_id: learnerId, review_type: 'N', planned_date: '2027-06-01', planned_time: '10:00:00', attended: 'U' }).execute();
  await db.insertInto('pics.learner_officer').values({ learner_id: learnerId, officer_id: mentor.id, role: 'Mentor' }).onConflict((oc) => oc.doNothing()).execute();
  return learnerId;
}

const CASES: [string, string, boolean][] = [
  ['employer placement', 'POST /Placement', false],
  ['classroom', 'POST /Classroom', false],
  ['assessor', 'POST /User', false],
  ['learner', 'POST /User', true],
  ['learning aim', 'POST /Standard/{id}/Assign/{learnerId}', true],
  ['learning aim fields', 'POST /LearningAim/{id}', true],
  ['lead assessor assignment', 'POST /User/{id}/Assign', true],
  ['visit', 'POST /Visit', true],
  ['review', 'POST /Review', true],
];

/** Visits sharing a slot after the POST /Visit case: the known gap the it.failing case pins. */
let visitDuplicatesAfterVisitCase = -1;

describe('E7 crash after each OneFile write, then retry: never a duplicate', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each(CASES)('after the %s is created (%s)', async (_what, endpoint, linkedMainOfficer) => {
    h = await startHarness();
    const links = await h.producer.enqueueRefreshLinks('cli');
    await h.waitForJob(h.producer.queues[QUEUE.refreshLinks], links.jobId);
    const learnerId = await freshLearner(h, { linkedMainOfficer });
    h.sim.resetStats();
    h.sim.setFaults({ endpoints: [endpoint], drops: { rate: 1, when: 'after' } });

    const { jobId } = await h.producer.enqueueEnrol(learnerId);
    const queue = h.producer.queues[QUEUE.enrol];
    // The first attempt fails on the dropped answer and waits for its retry.
    for (let i = 0; ; i++) {
      const job = await queue.getJob(jobId);
      if (job && (await job.getState()) === 'delayed') break;
      if (i > 400) throw new Error(`the injected crash did not happen (state ${job ? await job.getState() : 'none'})`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(h.sim.stats().dropped).toBe(1);
    h.sim.setFaults({ endpoints: null, drops: { rate: 0 } });
    await (await queue.getJob(jobId))!.promote();

    const job = await h.waitForJob(queue, jobId);
    expect(await job.getState()).toBe('completed'); // failedReason keeps the first attempt's drop
    expect(job.attemptsMade).toBe(2); // the attempt that lost the answer, and the retry
    const duplicates = h.sim.duplicates();
    // A lost POST /Visit answer makes a second visit on the retry (known gap: OneFile has no visit search, so the
    // first cannot be found): pinned by the it.failing case below; every other record stays single here.
    const knownVisits = endpoint === 'POST /Visit' ? duplicates.visitsSameSlot.length : 0;
    if (endpoint === 'POST /Visit') visitDuplicatesAfterVisitCase = duplicates.visitsSameSlot.length;
    expect({ ...duplicates, total: duplicates.total - knownVisits, visitsSameSlot: endpoint === 'POST /Visit' ? [] : duplicates.visitsSameSlot })
      .toMatchObject({ total: 0, visitsSameSlot: [] });
    const learner = await h.t.db.selectFrom('pics.learner').select('onefile_id').where('id', '=', learnerId).executeTakeFirstOrThrow();
    expect(learner.onefile_id).not.toBeNull();
    const review = await h.t.db.selectFrom('pics.review').select('onefile_system_id').where('learner_id', '=', learnerId).where('planned_date', '=', '2027-06-01').executeTakeFirstOrThrow();
    expect(review.onefile_system_id).not.toBeNull();
    const users = [...h.sim.state.users.values()].filter((u) => u.MISID === 'L0002');
    expect(users).toHaveLength(1);
  }, 60_000);

  // Runs after the cases above. `it.failing` goes red the day a lost visit answer no longer makes a second visit:
  // then make it a plain `it` and drop the exception above.
  it.failing('E7 no second visit after a lost POST /Visit answer (known gap: OneFile has no visit search)', () => {
    expect(visitDuplicatesAfterVisitCase).toBe(0);
  });
});
