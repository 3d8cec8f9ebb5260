import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decideEnrol } from '../../src/eportfolio/onefile/enrol-input.js';
import { readOneFileSettings } from '../../src/pics/index.js';
import { startEnrolledHarness, type Harness } from '../helpers/harness.js';

// E7: once our enrol of a learner has completed, its OneFile id is the learner's; asking again is refused
// (the API's 409), not planned again as if an earlier attempt had stopped half-way.

describe('enrolling a learner our enrol already completed', () => {
  let h: Harness;
  let learnerId: number;
  beforeAll(async () => {
    ({ h, learnerId } = await startEnrolledHarness({ seed: { learners: 3 } }));
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('E7: the decision is a refusal naming the OneFile id, whatever the choices', async () => {
    const settings = (await readOneFileSettings(h.t.db))!;
    const { decision, resuming } = await decideEnrol(h.t.db, learnerId, settings, {});
    expect(resuming).toBe(false);
    expect(decision).toEqual({ kind: 'refused', reason: expect.stringMatching(/already has OneFile id \d+/) });
  });

  it('E7: an attempt of the enrol job whose work had completed (its completion lost) carries on instead', async () => {
    const settings = (await readOneFileSettings(h.t.db))!;
    const { decision, resuming } = await decideEnrol(h.t.db, learnerId, settings, { pathways: { 3: 41301 } }, { resumeCompleted: true });
    expect(resuming).toBe(true);
    expect(decision.kind).toBe('plan');
  });

  it('E7: the producer refuses to queue it, and its completed enrol stays as it was', async () => {
    await expect(h.producer.enqueueEnrol(learnerId, { pathways: { 3: 41301 } })).rejects.toMatchObject({ code: 'already-enrolled' });
    const status = await h.producer.enrolStatus(learnerId);
    expect(status).toMatchObject({ status: 'completed', externalLearnerId: expect.stringMatching(/^\d+$/) });
  });
});
