import { describe, expect, it } from '@jest/globals';
import { planEnrol, type EnrolInput } from '../../src/rules/enrol-plan.js';
import { graph, learnerQualification, settings } from '../helpers/builders.js';

// E7: an enrol that stopped after creating the learner (and some aims) tells the plan it is resuming. The
// ids PICS holds are then its own to carry on with; the same ids held otherwise mean "already in OneFile".

const links = new Map([[11, [{ standardId: 5011, title: 'Standard 11' }]], [12, [{ standardId: 5012, title: 'Standard 12' }]]]);

function input(resuming?: EnrolInput['resuming']): EnrolInput {
  return {
    graph: graph({
      learner: { oneFileId: 777 },
      qualifications: [learnerQualification(1, 11, { learningAimId: 9001 }), learnerQualification(2, 12, { learningAimId: 9002 })],
    }),
    settings: settings(), links, today: '2026-11-23', ...(resuming ? { resuming } : {}),
  };
}

describe('E7 an enrol that resumes', () => {
  it('not resuming: a learner with a OneFile id is refused', () => {
    expect(planEnrol(input()).kind).toBe('refused');
  });

  it('resuming: planned as new, with the aims this enrol created and not those someone else did', () => {
    const decision = planEnrol(input({ learner: true, aimsOf: new Set([1]) }));
    if (decision.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(decision)}`);
    expect(decision.plan.aims.map((a) => a.learnerQualificationId)).toEqual([1]);
    expect(decision.plan.aims[0]).toMatchObject({ standardId: 5011 });
  });
});
