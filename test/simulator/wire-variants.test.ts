import { afterEach, describe, expect, it } from '@jest/globals';
import { parseCliArgs } from '../../src/simulator/cli-args.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';
import { DEMO_CUSTOMER_TOKEN, call, client, http } from './support.js';

// The answers OneFile may give where onefile-api.md cannot say which (§2, §3.4): each option plays one of them.
describe('simulator wire variants', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  const start = async (options: SimulatorOptions) => (sim = await startSimulator(options));
  const noMatch = { MISID: 'NO-SUCH-MIS-ID' };

  it('an empty search is 204 with no body by default', async () => {
    const api = await client(await start({}));
    const r = await api.call('POST', '/User/Search/1/10', noMatch);
    expect([r.status, r.text]).toEqual([204, '']);
  });

  it('emptySearch "empty-array" answers 200 [] instead, paged or not', async () => {
    const api = await client(await start({ emptySearch: 'empty-array' }));
    for (const path of ['/User/Search/1/10', '/User/Search']) {
      const r = await api.call('POST', path, noMatch);
      expect([r.status, r.json()]).toEqual([200, []]);
    }
    expect((await api.call('POST', '/User/Search/1/10', { Role: 5 })).json<unknown[]>().length).toBeGreaterThan(0);
  });

  it('sessionBody "quoted" sends the session as a JSON string, which opens the API once unquoted', async () => {
    const s = await start({ sessionBody: 'quoted' });
    const r = await http.post(`${s.baseUrl}/Authentication`, { headers: { 'X-CustomerToken': DEMO_CUSTOMER_TOKEN } });
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body).toMatch(/^"[\w-]{16,}"$/);
    const session = JSON.parse(r.body) as string;
    expect((await call(`${s.baseUrl}/Customer`, 'GET', undefined, { 'X-TokenID': session })).status).toBe(200);
  });

  it('refusedSessionStatus 403 refuses missing, unknown and expired sessions with 403; the customer token still gets 401', async () => {
    const s = await start({ refusedSessionStatus: 403 });
    const api = await client(s);
    expect((await call(`${s.baseUrl}/Customer`, 'GET')).status).toBe(403);
    expect((await call(`${s.baseUrl}/Customer`, 'GET', undefined, { 'X-TokenID': 'not-a-session' })).status).toBe(403);
    s.clock.advance(25 * 3600_000);
    expect((await api.call('GET', '/Customer')).status).toBe(403);
    expect((await call(`${s.baseUrl}/Authentication`, 'POST', undefined, { 'X-CustomerToken': 'nope' })).status).toBe(401);
  });

  it('the command takes the three as flags', () => {
    expect(parseCliArgs(['--empty-search', 'empty-array', '--session-body', 'quoted', '--refused-session-status', '403']).options)
      .toEqual({ emptySearch: 'empty-array', sessionBody: 'quoted', refusedSessionStatus: 403 });
    expect(() => parseCliArgs(['--refused-session-status', '500'])).toThrow(/--refused-session-status/);
  });
});
