import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from '../helpers/harness.js';

/*
 * Failed dashboard logins are logged (address and count, never what was typed) and, past
 * dashboard.maxFailedLogins in a window, the address is answered 429 — even with the right password — so a
 * password cannot be guessed at request speed. The window (15 min here) does not end during the test.
 */
describe('failed dashboard logins', () => {
  const password = 'the-right-dashboard-password';
  const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false, env: { DASHBOARD_PASSWORD: password, DASHBOARD_MAX_FAILED_LOGINS: '3' } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('are logged, and the fourth attempt from the address is refused with 429 whatever it sends', async () => {
    const api = `${h.daemon.http.url}/admin/queues/api/queues`;
    expect((await fetch(api, { headers: basic('ops', password) })).status).toBe(200);
    expect((await fetch(api)).status).toBe(401); // no credentials at all: not a failed login
    const statuses = [];
    for (const guess of ['guess-one-xyz', 'guess-two-xyz', 'guess-three-xyz']) statuses.push((await fetch(api, { headers: basic('ops', guess) })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await fetch(api, { headers: basic('ops', password) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${h.daemon.http.url}/healthz`)).status).toBe(200); // only the dashboard is guarded

    const entries = h.logs.map((l) => JSON.parse(l) as { msg: string; level: number; ip?: string; failures?: number });
    expect(entries.filter((e) => e.msg === 'dashboard login refused').map((e) => ({ level: e.level, failures: e.failures, ip: typeof e.ip }))).toEqual(
      [1, 2, 3].map((failures) => ({ level: 40, failures, ip: 'string' })),
    );
    expect(entries.some((e) => /refused for the rest of the window/.test(e.msg))).toBe(true);
    for (const line of h.logs) expect(line).not.toMatch(/guess-(one|two|three)-xyz|the-right-dashboard-password/);
  });
});
