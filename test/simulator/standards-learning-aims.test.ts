import { describe, expect, it } from '@jest/globals';
import { startSimulator } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { client, useClient, type Client } from './support.js';

const ORG = 5740;
const AIM_FIELDS = ['ID', 'UserID', 'StandardID', 'Title', 'Status', 'StartDate', 'PlannedEnd', 'AchievedDate',
  'RegistrationNumber', 'RegistrationDate', 'CertificateAppliedDate', 'CertificateReceivedDate', 'TotalCriteria',
  'CompletedCriteria', 'Progress'];

async function newLearner(api: Client): Promise<number> {
  const r = await api.call('POST', '/User', { OrganisationID: ORG, Role: 1, FirstName: 'Aim', LastName: 'Learner',
    Email: 'aim@example.com', DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928 });
  return r.json().ID;
}

describe('standards and learning aims', () => {
  const sim = useSimulator();
  const api = useClient(sim);

  it('lists standards as {ID, Title, Code?}: the code bracketed in Title, or in Code', async () => {
    const rows = (await api.call('POST', '/Standard/Search/1/100', { OrganisationID: ORG })).json();
    expect(rows).toContainEqual({ ID: 55774, Title: 'Team Leader or Supervisor [ST0384]' });
    expect(rows).toContainEqual({ ID: 272, Title: 'Diploma in Hairdressing', Code: '60012345' });
    // Several pathways of one code, and standards no PICS qualification matches.
    expect(rows.filter((s: { Title: string }) => s.Title.endsWith('[ST0070]'))).toHaveLength(2);
    expect(rows).toContainEqual({ ID: 60001, Title: 'Data Analyst [ST0118]' });
    expect(rows).toHaveLength(11);
    const paged = await Promise.all([1, 2, 3].map((p) => api.call('POST', `/Standard/Search/${p}/5`, { OrganisationID: ORG })));
    expect(paged.map((p) => p.json().length)).toEqual([5, 5, 1]);
    expect((await api.call('POST', '/Standard/Search/4/5', { OrganisationID: ORG })).status).toBe(204);
  });

  it('assigns a standard: 200 with the new LearningAim id as the body', async () => {
    const learner = await newLearner(api);
    const r = await api.call('POST', `/Standard/55774/Assign/${learner}`);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^\d+$/);
    const aim = (await api.call('GET', `/LearningAim/${r.text}`)).json();
    expect(Object.keys(aim).sort()).toEqual([...AIM_FIELDS].sort());
    expect(aim).toMatchObject({ ID: Number(r.text), UserID: learner, StandardID: 55774, Status: 0,
      Title: 'Team Leader or Supervisor [ST0384]', TotalCriteria: 100, CompletedCriteria: 0, Progress: 0 });
  });

  it('refuses to assign to an unknown standard (404), an unknown user (404) or a non-learner (400)', async () => {
    const learner = await newLearner(api);
    expect((await api.call('POST', `/Standard/1/Assign/${learner}`)).status).toBe(404);
    expect((await api.call('POST', '/Standard/55774/Assign/1')).status).toBe(404);
    const staff = await api.call('POST', '/Standard/55774/Assign/122762');
    expect(staff.status).toBe(400);
    expect(staff.json().Message).toMatch(/not a learner/);
  });

  it('updates a learning aim partially (204), with dates sent with or without Z', async () => {
    const learner = await newLearner(api);
    const id = (await api.call('POST', `/Standard/41240/Assign/${learner}`)).json<number>();
    const upd = await api.call('POST', `/LearningAim/${id}`, {
      ID: id, UserID: learner, startDate: '2026-09-01T00:00:00', PlannedEnd: '2027-09-01T00:00:00.000Z',
      RegistrationNumber: 'REG-1', RegistrationDate: '2026-09-15', CompletedCriteria: 99,
    });
    expect(upd.status).toBe(204);
    const aim = (await api.call('GET', `/LearningAim/${id}`)).json();
    expect(aim).toMatchObject({ StartDate: '2026-09-01T00:00:00.000Z', PlannedEnd: '2027-09-01T00:00:00.000Z',
      RegistrationNumber: 'REG-1', RegistrationDate: '2026-09-15T00:00:00.000Z', CertificateAppliedDate: null,
      CompletedCriteria: 0 });
    const bad = await api.call('POST', `/LearningAim/${id}`, { AchievedDate: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.json().Message).toMatch(/AchievedDate/);
    expect((await api.call('POST', '/LearningAim/1', { Status: 1 })).status).toBe(404);
    expect((await api.call('GET', '/LearningAim/1')).status).toBe(404);
  });

  it('works Progress out from the criteria counts seeded for it', async () => {
    const learner = await newLearner(api);
    const id = (await api.call('POST', `/Standard/55901/Assign/${learner}`)).json<number>();
    sim.seed({ learningAims: [{ ID: id, TotalCriteria: 120, CompletedCriteria: 50, CertificateReceivedDate: '2027-01-02' }] });
    expect((await api.call('GET', `/LearningAim/${id}`)).json()).toMatchObject({
      TotalCriteria: 120, CompletedCriteria: 50, Progress: 41.67, CertificateReceivedDate: '2027-01-02T00:00:00.000Z' });
  });

  it('searches by UserID: minimal rows by default, 204 when none', async () => {
    const learner = await newLearner(api);
    const a = (await api.call('POST', `/Standard/41301/Assign/${learner}`)).json<number>();
    const b = (await api.call('POST', `/Standard/41302/Assign/${learner}`)).json<number>();
    const r = await api.call('POST', '/LearningAim/Search/1/10', { UserID: learner });
    expect(r.json()).toEqual([
      { ID: a, StandardID: 41301, UserID: learner, Status: 0 },
      { ID: b, StandardID: 41302, UserID: learner, Status: 0 },
    ]);
    expect((await api.call('POST', '/LearningAim/Search/1/10', { UserID: 122762 })).status).toBe(204);
  });

  it('carries every field in search rows when learningAimRows is "full"', async () => {
    const full = await startSimulator({ learningAimRows: 'full' });
    try {
      const c = await client(full);
      const learner = await newLearner(c);
      await c.call('POST', `/Standard/55774/Assign/${learner}`);
      const [row] = (await c.call('POST', '/LearningAim/Search/1/10', { UserID: learner })).json();
      expect(Object.keys(row).sort()).toEqual([...AIM_FIELDS].sort());
    } finally {
      await full.close();
    }
  });
});
