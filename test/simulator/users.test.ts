import { beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { admin, client, http, useClient } from './support.js';

const ORG = 5740;
const learner = (over: Record<string, unknown> = {}) => ({
  OrganisationID: ORG, Role: 1, FirstName: 'Sandra', LastName: 'Coelho', Email: 'sandra@example.com',
  DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928, ...over,
});

describe('users', () => {
  const sim = useSimulator();
  const api = useClient(sim);

  describe('POST /User (create)', () => {
    it('creates a learner and answers 200 with the whole user in PascalCase, dates as midnight Z', async () => {
      const r = await api.call('POST', '/User', learner({ MISID: 'L000123', DOB: '2004-05-01', StartOn: '2026-09-01T00:00:00',
        PlannedEndDate: '2028-03-01T00:00:00.000Z', L12: 31, L13: 'F', ULN: '1234567890' }));
      expect(r.status).toBe(200);
      const user = r.json();
      expect(user).toMatchObject({
        ID: expect.any(Number), Username: 'SCOELHO', Role: 1, OrganisationID: ORG, MISID: 'L000123',
        DOB: '2004-05-01T00:00:00.000Z', StartOn: '2026-09-01T00:00:00.000Z', PlannedEndDate: '2028-03-01T00:00:00.000Z',
        L12: '31', L13: 'F', DefaultAssessorID: 122762, ClassroomID: 15379, PlacementID: 18928, Archived: false,
      });
      expect(user.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Object.keys(user).every((k) => /^[A-Z]/.test(k))).toBe(true);
      const back = await api.call('GET', `/User/${user.ID}`);
      expect(back.json()).toEqual(user);
    });

    it('matches body keys without regard to case', async () => {
      const r = await api.call('POST', '/User', {
        organisationid: ORG, ROLE: 1, firstName: 'Kim', LASTNAME: 'Lowe', email: 'kim@example.com',
        defaultassessorid: 122763, classroomId: 15380, placementid: 18929,
      });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ FirstName: 'Kim', LastName: 'Lowe', DefaultAssessorID: 122763, ClassroomID: 15380 });
    });

    it.each(['DefaultAssessorID', 'ClassroomID', 'PlacementID'])('refuses a learner without %s: 400 naming it', async (field) => {
      const r = await api.call('POST', '/User', learner({ [field]: undefined }));
      expect(r.status).toBe(400);
      expect(r.json().Message).toContain(field);
      expect(r.json().Message).toMatch(/required for a learner/);
    });

    it('refuses missing names, email and role', async () => {
      const r = await api.call('POST', '/User', { OrganisationID: ORG });
      expect(r.status).toBe(400);
      expect(r.json().Message).toBe('FirstName, LastName and Role are required for a user.');
      const noEmail = await api.call('POST', '/User', learner({ Email: '' }));
      expect(noEmail.json().Message).toMatch(/^Email is required/);
    });

    it.each([
      ['an unknown assessor', { DefaultAssessorID: 999 }, /DefaultAssessorID 999/],
      ['a learner as assessor', { DefaultAssessorID: 'SELF' }, /DefaultAssessorID/],
      ['an unknown classroom', { ClassroomID: 1 }, /ClassroomID 1 /],
      ['an unknown placement', { PlacementID: 2 }, /PlacementID 2 /],
      ['an unknown organisation', { OrganisationID: 1 }, /OrganisationID 1 was not found/],
      ['a bad date', { DOB: '01/05/2004' }, /'01\/05\/2004' is not valid for DOB/],
      ['a non-numeric id', { PlacementID: 'abc' }, /'abc' is not valid for PlacementID/],
      ['a bad email', { Email: 'not-an-email' }, /not a valid e-mail/],
      ['a role the API cannot create', { Role: 65 }, /Role 65 cannot be created/],
    ] as Array<[string, Record<string, unknown>, RegExp]>)('refuses %s with 400 and a Message', async (_name, over, msg) => {
      let body = learner(over);
      if (over.DefaultAssessorID === 'SELF') {
        const someone = (await api.call('POST', '/User', learner({ FirstName: 'Other' }))).json();
        body = learner({ DefaultAssessorID: someone.ID });
      }
      const r = await api.call('POST', '/User', body);
      expect(r.status).toBe(400);
      expect(r.json().Message).toMatch(msg);
    });

    it('refuses an archived default assessor', async () => {
      sim.seed({ users: [{ ID: 777001, OrganisationID: ORG, Role: 5, FirstName: 'Old', LastName: 'Hand', Archived: true }] });
      const r = await api.call('POST', '/User', learner({ DefaultAssessorID: 777001 }));
      expect(r.status).toBe(400);
      expect(r.json().Message).toMatch(/archived/);
    });

    it('creates an assessor from a name alone (PICSWeb sends no more), unless requireStaffEmail is set', async () => {
      const r = await api.call('POST', '/User', { OrganisationID: ORG, Role: 5, FirstName: 'Grace', LastName: 'Okafor', MISID: 'O0003' });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ Role: 5, MISID: 'O0003', Email: null });
      const strict = await startSimulator({ requireStaffEmail: true });
      try {
        const s = await (await client(strict)).call('POST', '/User', { OrganisationID: ORG, Role: 5, FirstName: 'G', LastName: 'O' });
        expect(s.status).toBe(400);
        expect(s.json().Message).toMatch(/Email/);
      } finally {
        await strict.close();
      }
    });

    it('refuses a body that is not a JSON object, and malformed JSON', async () => {
      expect((await api.call('POST', '/User', [1, 2])).status).toBe(400);
      const empty = await api.call('POST', '/User', undefined, { 'content-type': 'application/json' });
      expect(empty.status).toBe(400);
      const broken = await http.post(`${sim.baseUrl}/User`, {
        headers: { 'X-TokenID': api.token, 'content-type': 'application/json' }, body: '{"FirstName": ',
      });
      expect(broken.statusCode).toBe(400);
      expect(JSON.parse(broken.body).Message).toMatch(/not valid JSON/);
    });
  });

  describe('GET /User/{id}', () => {
    it('answers 404 with a Message for an unknown or non-numeric id', async () => {
      const r = await api.call('GET', '/User/424242');
      expect(r.status).toBe(404);
      expect(r.json().Message).toMatch(/User 424242/);
      expect((await api.call('GET', '/User/abc')).status).toBe(404);
    });

    it("hides another customer's users", async () => {
      sim.seed({
        customers: [{ ID: 3000, Name: 'Other', Token: 'other-token' }],
        organisations: [{ ID: 6000, CustomerID: 3000, Name: 'Other org' }],
        users: [{ ID: 888001, OrganisationID: 6000, Role: 5, FirstName: 'Not', LastName: 'Yours' }],
      });
      expect((await api.call('GET', '/User/888001')).status).toBe(404);
      const other = await client(sim, 'other-token');
      expect((await other.call('GET', '/User/888001')).status).toBe(200);
      expect((await other.call('GET', '/User/122762')).status).toBe(404);
    });
  });

  describe('POST /User/{id} (partial update)', () => {
    it('changes only the fields sent, answers 204 and moves LastModified on', async () => {
      const created = (await api.call('POST', '/User', learner({ FirstName: 'Upd', Telephone: '0100' }))).json();
      await admin(sim, 'POST', '/clock', { advanceMs: 60_000 });
      const r = await api.call('POST', `/User/${created.ID}`, { placementID: 18929, mobilenumber: '07000' });
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      const after = (await api.call('GET', `/User/${created.ID}`)).json();
      expect(after).toMatchObject({ PlacementID: 18929, MobileNumber: '07000', Telephone: '0100', FirstName: 'Upd' });
      expect(Date.parse(after.LastModified) - Date.parse(created.LastModified)).toBeGreaterThanOrEqual(60_000);
    });

    it('refuses to clear a learner requirement or to point at unknown records', async () => {
      const created = (await api.call('POST', '/User', learner())).json();
      const cleared = await api.call('POST', `/User/${created.ID}`, { PlacementID: null });
      expect(cleared.status).toBe(400);
      expect(cleared.json().Message).toMatch(/PlacementID cannot be cleared/);
      expect((await api.call('POST', `/User/${created.ID}`, { DefaultAssessorID: 5 })).status).toBe(400);
      expect((await api.call('POST', '/User/424242', { Telephone: '1' })).status).toBe(404);
    });
  });

  describe('POST /User/{id}/Assign', () => {
    it('assigns an assessor to a learner (204), once however often it is sent', async () => {
      const l = (await api.call('POST', '/User', learner())).json();
      for (let i = 0; i < 2; i++) {
        const r = await api.call('POST', '/User/122763/Assign', { LearnerID: l.ID, Level: 1 });
        expect(r.status).toBe(204);
      }
      const rows = [...sim.state.assignments.values()].filter((a) => a.LearnerID === l.ID);
      expect(rows).toEqual([expect.objectContaining({ UserID: 122763, LearnerID: l.ID, Level: 1 })]);
    });

    it('also reads the learner-in-the-path form, and checks level 3 against the learning aims', async () => {
      const l = (await api.call('POST', '/User', learner())).json();
      expect((await api.call('POST', `/User/${l.ID}/Assign`, { LearnerID: 122764, Level: 1 })).status).toBe(204);
      expect([...sim.state.assignments.values()].some((a) => a.LearnerID === l.ID && a.UserID === 122764)).toBe(true);
      const noAim = await api.call('POST', '/User/122762/Assign', { LearnerID: l.ID, Level: 3, StandardID: 55774 });
      expect(noAim.status).toBe(400);
      expect(noAim.json().Message).toMatch(/no learning aim/);
      await api.call('POST', `/Standard/55774/Assign/${l.ID}`);
      expect((await api.call('POST', '/User/122762/Assign', { LearnerID: l.ID, Level: 3, StandardID: 55774 })).status).toBe(204);
      expect((await api.call('POST', '/User/122762/Assign', { Level: 1 })).json().Message).toMatch(/LearnerID is required/);
    });
  });
});

describe('POST /User/Search', () => {
  const sim = useSimulator({ startAt: '2026-01-01T00:00:00Z' });
  beforeAll(() => {
    // Own organisation with five assessors, seeded with IDs out of order: answers must still come by ID.
    sim.seed({
      organisations: [{ ID: 5741, CustomerID: 2070, Name: 'Second centre' }],
      users: [5, 3, 1, 4, 2].map((n) => ({
        ID: 900000 + n, OrganisationID: 5741, Role: n === 5 ? 4 : 5, FirstName: `First${n}`, LastName: `Last${n}`,
        MISID: `M${n}`, Email: `p${n}@example.com`, LastModified: `2026-01-0${n}T12:00:00Z`, Archived: n === 3,
      })),
    });
  });
  const api = useClient(sim);

  const ids = (r: { json(): Array<{ ID: number }> }) => r.json().map((u) => u.ID);

  it('answers a bare array of thin rows in ID order', async () => {
    const r = await api.call('POST', '/User/Search/1/10', { OrganisationID: 5741 });
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual([900001, 900002, 900003, 900004, 900005]);
    expect(r.json()[0]).toEqual({
      ID: 900001, FirstName: 'First1', LastName: 'Last1', MISID: 'M1', Email: 'p1@example.com', Role: 5,
      LastModified: '2026-01-01T12:00:00.000Z', Archived: false,
    });
  });

  it('pages from 1; the last page is the first one shorter than size; past it comes 204 with no body', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((p) => api.call('POST', `/User/Search/${p}/2`, { OrganisationID: 5741 })));
    expect(pages.slice(0, 3).map(ids)).toEqual([[900001, 900002], [900003, 900004], [900005]]);
    expect(pages[3]!.status).toBe(204);
    expect(pages[3]!.text).toBe('');
    expect((await api.call('POST', '/User/Search/0/2', {})).status).toBe(400);
    expect((await api.call('POST', '/User/Search/1/0', {})).status).toBe(400);
  });

  it('answers 204 when nothing matches, and serves the unpaged form too', async () => {
    const none = await api.call('POST', '/User/Search/1/10', { MISID: 'nobody' });
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
    expect(ids(await api.call('POST', '/User/Search', { OrganisationID: 5741 }))).toHaveLength(5);
  });

  it('matches routes without regard to case', async () => {
    for (const path of ['/user/search/1/10', '/USER/SEARCH/1/10', '/User/search/1/10']) {
      expect(ids(await api.call('POST', path, { organisationid: 5741 }))).toHaveLength(5);
    }
    const r = await fetch(`${sim.origin}/API/V2.1/customer`, { headers: { 'X-TokenID': api.token } });
    expect(r.status).toBe(200);
  });

  it.each([
    [{ Role: 4 }, [900005]],
    [{ mISid: 'm2' }, [900002]],
    [{ Email: 'P3@EXAMPLE.COM' }, [900003]],
    [{ FirstName: 'first4' }, [900004]],
    [{ LastName: 'Last1' }, [900001]],
    [{ LastModified: '2026-01-04T00:00:00' }, [900004, 900005]],
    [{ LastModified: '2026-01-03T12:00:00.000Z', Role: 5 }, [900003, 900004]],
    [{ Archived: true }, [900003]],
  ])('filters on %j', async (filter, expected) => {
    expect(ids(await api.call('POST', '/User/Search/1/50', { OrganisationID: 5741, ...filter }))).toEqual(expected);
  });

  it('counts the search under its template, never under ids', async () => {
    const labels = Object.keys(sim.stats().byEndpoint);
    expect(labels).toContain('POST /User/Search/{page}/{size}');
    expect(labels.some((l) => /\d/.test(l.replace('v2.1', '')))).toBe(false);
  });
});
