import { describe, expect, it } from '@jest/globals';
import { startSimulator } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { client, useClient } from './support.js';

const ORG = 5740;

describe('organisations, classrooms and placements', () => {
  const sim = useSimulator();
  const api = useClient(sim);

  describe('organisations', () => {
    it('lists the customer\'s organisations on POST /Organisation/Search, paged or not', async () => {
      const expected = [{ ID: ORG, Name: 'Northgate Training - Apprenticeships', KeychainCreationForNewUserActive: false,
        KeychainEmailSuppression: true }];
      expect((await api.call('POST', '/Organisation/Search', { CustomerID: 2070 })).json()).toEqual(expected);
      expect((await api.call('POST', '/organisation/search/1/10', {})).json()).toEqual(expected);
      expect((await api.call('POST', '/Organisation/Search', { CustomerID: 1 })).status).toBe(204);
    });

    it('answers GET /Organisation/{id}, and 404 for an unknown one', async () => {
      expect((await api.call('GET', `/Organisation/${ORG}`)).json()).toMatchObject({ ID: ORG, Name: expect.any(String) });
      expect((await api.call('GET', '/Organisation/1')).status).toBe(404);
    });
  });

  describe('classrooms', () => {
    it('searches by OrganisationID with rows {ID, Name, MISID}', async () => {
      const r = await api.call('POST', '/Classroom/Search/1/50', { OrganisationID: ORG });
      expect(r.json()).toEqual([
        { ID: 15379, Name: 'All Learners', MISID: null },
        { ID: 15380, Name: 'Cohort Sept 2026', MISID: null },
      ]);
      expect((await api.call('POST', '/Classroom/Search/2/50', { OrganisationID: ORG })).status).toBe(204);
    });

    it('creates a classroom answering its bare id, and reads it back', async () => {
      const r = await api.call('POST', '/Classroom', { OrganisationID: ORG, Name: 'Leeds Centre', MISID: 'TAG3' });
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/^\d+$/);
      const id = Number(r.text);
      expect((await api.call('GET', `/Classroom/${id}`)).json()).toMatchObject({ ID: id, Name: 'Leeds Centre', MISID: 'TAG3', OrganisationID: ORG });
      const found = await api.call('POST', '/Classroom/Search', { OrganisationID: ORG, Name: 'leeds centre' });
      expect(found.json()).toEqual([{ ID: id, Name: 'Leeds Centre', MISID: 'TAG3' }]);
    });

    it('refuses a classroom without a Name or with an unknown organisation', async () => {
      const r = await api.call('POST', '/Classroom', { OrganisationID: ORG });
      expect(r.status).toBe(400);
      expect(r.json().Message).toBe('Name is required.');
      expect((await api.call('POST', '/Classroom', { OrganisationID: 1, Name: 'X' })).status).toBe(400);
    });
  });

  describe('placements', () => {
    it('searches by OrganisationID', async () => {
      const r = await api.call('POST', '/Placement/Search/1/50', { organisationId: ORG });
      expect(r.json()).toEqual([
        { ID: 18928, Name: 'Brightwater Logistics Ltd', MISID: 'E0001' },
        { ID: 18929, Name: 'Harbour View Hotel', MISID: 'E0002' },
      ]);
    });

    it('creates a placement answering its bare id; GET reads it; POST /Placement/{id} updates it with 204', async () => {
      const r = await api.call('POST', '/Placement', { OrganisationID: ORG, Name: 'Cutting Edge Salons', MISID: 'E0003' });
      expect(r.status).toBe(200);
      const id = r.json<number>();
      expect(typeof id).toBe('number');
      const upd = await api.call('POST', `/Placement/${id}`, { Telephone: '0113 496 0003', address: '22 Briggate\nLeeds' });
      expect(upd.status).toBe(204);
      expect((await api.call('GET', `/Placement/${id}`)).json()).toEqual({
        ID: id, OrganisationID: ORG, Name: 'Cutting Edge Salons', MISID: 'E0003', Address: '22 Briggate\nLeeds', Active: true,
        Contact: null, Email: null, Telephone: '0113 496 0003', Fax: null, Web: null,
      });
      expect((await api.call('POST', `/Placement/${id}`, { Name: '' })).status).toBe(400);
      expect((await api.call('POST', '/Placement/1', { Name: 'x' })).status).toBe(404);
      expect((await api.call('GET', '/Placement/1')).status).toBe(404);
    });

    it('answers the create as a JSON object with ID when createAnswer is "object"', async () => {
      const other = await startSimulator({ createAnswer: 'object' });
      try {
        const c = await client(other);
        const p = await c.call('POST', '/Placement', { OrganisationID: ORG, Name: 'Pennine Manufacturing plc' });
        expect(p.json()).toMatchObject({ ID: expect.any(Number), Name: 'Pennine Manufacturing plc' });
        const k = await c.call('POST', '/Classroom', { OrganisationID: ORG, Name: 'Cohort Jan 2027' });
        expect(k.json()).toMatchObject({ ID: expect.any(Number), Name: 'Cohort Jan 2027' });
      } finally {
        await other.close();
      }
    });
  });
});
