import { beforeAll, describe, expect, it } from '@jest/globals';
import { useSimulator } from '../helpers/simulator.js';
import { useClient } from './support.js';

const ORG = 5740;

describe('reviews and visits', () => {
  const sim = useSimulator();
  const api = useClient(sim);
  let learner: number;
  beforeAll(async () => {
    learner = (await api.call('POST', '/User', { OrganisationID: ORG, Role: 1, FirstName: 'Rev', LastName: 'Iew',
      Email: 'rev@example.com', DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 })).json().ID;
  });

  it('creates a visit (200, bare id) and a review hung off it (200, bare id); GET reads the review whole', async () => {
    const visit = await api.call('POST', '/Visit', { LearnerID: learner, OrganisationID: ORG, AssessorID: 122762,
      DateFrom: '2027-02-03T10:00:00Z', DateTo: '2027-02-03T11:00:00Z', VisitTypeID: 2 });
    expect(visit.status).toBe(200);
    expect(visit.text).toMatch(/^\d+$/);
    const review = await api.call('POST', '/Review', { LearnerID: learner, AssessorID: 122762,
      ScheduledFor: '2027-02-03T10:00:00', EndTime: '2027-02-03T11:00:00', VisitID: Number(visit.text) });
    expect(review.status).toBe(200);
    expect(review.text).toMatch(/^\d+$/);
    const got = (await api.call('GET', `/Review/${review.text}`)).json();
    expect(got).toEqual({
      ID: Number(review.text), LearnerID: learner, AssessorID: 122762, EmployerID: null, Status: 0,
      CreatedOn: expect.stringMatching(/Z$/), ScheduledFor: '2027-02-03T10:00:00.000Z', EndTime: '2027-02-03T11:00:00.000Z',
      StartedOn: null, AssessorSignedOn: null, LearnerSignedOn: null, EmployerSignedOn: null,
      VisitID: Number(visit.text), Progress: null,
    });
  });

  it('searches by LearnerID with thin rows {ID, LearnerID, ScheduledFor}; 204 when none', async () => {
    const ids = [];
    for (const day of ['2027-03-01', '2027-04-01']) {
      ids.push((await api.call('POST', '/Review', { LearnerID: learner, AssessorID: 122763, ScheduledFor: `${day}T09:00:00Z` })).json());
    }
    const rows = (await api.call('POST', '/Review/Search/1/50', { LearnerID: learner })).json();
    expect(rows.slice(-2)).toEqual([
      { ID: ids[0], LearnerID: learner, ScheduledFor: '2027-03-01T09:00:00.000Z' },
      { ID: ids[1], LearnerID: learner, ScheduledFor: '2027-04-01T09:00:00.000Z' },
    ]);
    const from = (await api.call('POST', '/Review/Search', { LearnerID: learner, DateFrom: '2027-03-15' })).json();
    expect(from.map((r: { ID: number }) => r.ID)).toEqual([ids[1]]);
    expect((await api.call('POST', '/Review/Search/1/50', { LearnerID: 122762 })).status).toBe(204);
  });

  it('shows what OneFile users did to a review once the state says so (StartedOn, signatures)', async () => {
    const id = (await api.call('POST', '/Review', { LearnerID: learner, AssessorID: 122762, ScheduledFor: '2027-05-01T09:00:00Z' })).json();
    sim.seed({ reviews: [{ ID: id, StartedOn: '2027-05-01T09:05:00Z', LearnerSignedOn: '2027-05-02T08:00:00Z' }] });
    expect((await api.call('GET', `/Review/${id}`)).json()).toMatchObject({
      StartedOn: '2027-05-01T09:05:00.000Z', LearnerSignedOn: '2027-05-02T08:00:00.000Z' });
  });

  it.each([
    [{ AssessorID: undefined }, /AssessorID is required/],
    [{ ScheduledFor: 'tomorrow' }, /'tomorrow' is not valid for ScheduledFor/],
    [{ EndTime: '2027-01-01T08:00:00Z' }, /EndTime is before ScheduledFor/],
    [{ AssessorID: 'LEARNER' }, /not a member of staff/],
    [{ LearnerID: 4242 }, /LearnerID 4242 was not found/],
    [{ VisitID: 1 }, /VisitID 1 is not a visit/],
  ] as Array<[Record<string, unknown>, RegExp]>)('refuses a review with %j: 400 and a Message', async (over, msg) => {
    const body = { LearnerID: learner, AssessorID: 122762, ScheduledFor: '2027-01-01T09:00:00Z', ...over };
    if (over.AssessorID === 'LEARNER') body.AssessorID = learner;
    const r = await api.call('POST', '/Review', body);
    expect(r.status).toBe(400);
    expect(r.json().Message).toMatch(msg);
  });

  it('refuses a visit with a bad type or reversed dates, and an unknown review id with 404', async () => {
    const base = { LearnerID: learner, AssessorID: 122762, DateFrom: '2027-02-03T10:00:00Z', DateTo: '2027-02-03T11:00:00Z' };
    expect((await api.call('POST', '/Visit', { ...base, VisitTypeID: 7 })).json().Message).toMatch(/VisitTypeID 7/);
    expect((await api.call('POST', '/Visit', { ...base, DateTo: '2027-02-03T09:00:00Z' })).status).toBe(400);
    expect((await api.call('POST', '/Visit', { LearnerID: learner })).json().Message).toBe('AssessorID, DateFrom and DateTo are required.');
    expect((await api.call('GET', '/Review/1')).status).toBe(404);
  });
});
