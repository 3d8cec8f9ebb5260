import { beforeEach, describe, expect, it } from '@jest/globals';
import { DEMO_SA_ASSESSORS, DEMO_SA_CLIENT_KEY } from '../../src/demo/smartassessor.js';
import { jobActionFor } from '../../src/jobs/error-policy.js';
import type { BadAnswerKind } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/simulator.js';
import {
  SmartAssessorAuthError, SmartAssessorBadResponseError, SmartAssessorConfigError, SmartAssessorRefusedError, SmartAssessorTransientError,
} from '../../src/smartassessor/errors.js';
import { soapSmartAssessorClientFactory } from '../../src/smartassessor/soap-client.js';
import type { SmartAssessorApi } from '../../src/smartassessor/types.js';

// The SOAP client against the simulator's Smart Assessor endpoint over real HTTP: the operations, what goes
// on the wire, and every way a call fails, with what the job error policy then does.

const sim = useSimulator({ seed: 'demo' });
const FIRST_RUN = { attemptsStarted: 1, attemptsMade: 0 };
// Generous, so a busy machine never turns an ordinary answer into a timeout; the timeout case uses `hurried`.
const factory = soapSmartAssessorClientFactory({ timeoutMs: 10_000 });
const hurried = soapSmartAssessorClientFactory({ timeoutMs: 400 });
const client = (overrides: { apiKey?: string; baseUrl?: string; signal?: AbortSignal } = {}): SmartAssessorApi =>
  factory({ baseUrl: overrides.baseUrl ?? sim.smartAssessor.url, apiKey: overrides.apiKey ?? DEMO_SA_CLIENT_KEY }, overrides.signal ? { signal: overrides.signal } : {});

async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** Lets answers the simulator is holding back (slow faults) go out, so no timer outlives the file. */
const settle = () => new Promise((r) => setTimeout(r, 350));

beforeEach(() => sim.reset('demo'));

describe('operations', () => {
  it('getAllAssessorDetail lists every assessor; the request carries the AuthHeader (ReadOnly for reads)', async () => {
    const assessors = await client().getAllAssessors();
    expect(assessors.map((a) => a.smartAssessorId)).toEqual(DEMO_SA_ASSESSORS.map((a) => a.id));
    expect(assessors[0]).toEqual({ smartAssessorId: DEMO_SA_ASSESSORS[0]!.id, firstName: 'Grace', lastName: 'Okafor', email: 'grace.okafor@northgate.example', userName: 'grace.okafor', misId: null });
    const [request] = sim.smartAssessor.requests();
    expect(request!.operation).toBe('getAllAssessorDetail');
    expect(request!.envelope).toContain('http://www.w3.org/2003/05/soap-envelope'); // SOAP 1.2
    expect(request!.envelope).toMatch(/<AuthHeader xmlns="http:\/\/www\.smartassessor\.co\.uk\/"><ApiKey>\[redacted\]<\/ApiKey><ReadOnly>true<\/ReadOnly><\/AuthHeader>/);
  });

  it('inserEmployerDetail then inserLearnerDetail: numeric employer id, GUID-like learner id, the records as sent', async () => {
    const sa = client();
    const employerId = await sa.insertEmployer({ misId: 'E0900', name: 'Fish & Chips Ltd', edrsNumber: '123456789', postcode: 'M1 1AA', website: 'https://fish.example' });
    expect(employerId).toBeGreaterThan(7000);
    const learnerId = await sa.insertLearner({
      misId: 'L0900', givenNames: 'Zoë', familyName: "O'Brien", dateOfBirth: '2001-04-23', uln: '1234567890', email: 'zoe@learners.example',
      employerSmartAssessorId: employerId, sendWelcomeEmail: false,
    });
    expect(learnerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.smartAssessor.state.learners.get(learnerId)).toMatchObject({
      SunesisId: 'L0900', GivenNames: 'Zoë', FamilyName: "O'Brien", DateOfBirth: '2001/04/23', EmployerSmartAssessorId: String(employerId), SendWelcomeEmail: 'false',
    });
    expect(sim.smartAssessor.state.employers.get(String(employerId))).toMatchObject({ Name: 'Fish & Chips Ltd', Website: 'https://fish.example' });
    const writes = sim.smartAssessor.requests().filter((r) => r.operation.startsWith('inser'));
    expect(writes.every((r) => r.envelope.includes('<ReadOnly>false</ReadOnly>'))).toBe(true);
    expect(await sa.getAllLearners()).toEqual([{ smartAssessorId: learnerId, misId: 'L0900', uln: '1234567890', givenNames: 'Zoë', familyName: "O'Brien" }]);
  });

  it('updateLearnerDetail changes only what it is given', async () => {
    const sa = client();
    const learnerId = await sa.insertLearner({ misId: 'L0901', givenNames: 'A', familyName: 'B', employerSmartAssessorId: 7001 });
    await sa.updateLearner({ smartAssessorId: learnerId, email: 'a.b@learners.example' });
    expect(sim.smartAssessor.state.learners.get(learnerId)).toMatchObject({ SunesisId: 'L0901', GivenNames: 'A', Email: 'a.b@learners.example' });
  });

  it('the WSDL is fetched once per URL and process, then every client reuses it', async () => {
    const first = client();
    await first.getAllEmployers();
    const second = client();
    await second.getAllEmployers();
    expect(sim.stats().byEndpoint['GET /smartassessor?wsdl']?.['200'] ?? 0).toBeLessThanOrEqual(1);
    expect(second.callsMade()).toBe(1);
  });
});

describe('failures, and what the job does with them', () => {
  it('a refused client key → auth error, permanent; the key is in no message', async () => {
    const error = await thrown(() => client({ apiKey: 'not-the-key-9f8e' }).getAllAssessors());
    expect(error).toBeInstanceOf(SmartAssessorAuthError);
    expect(error.message).toContain('getAllAssessorDetail');
    expect(error.message).not.toContain('not-the-key-9f8e');
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
  });

  it('a Sender fault → refused with Smart Assessor\'s reason, naming the operation; permanent', async () => {
    const error = await thrown(() => client().insertLearner({ misId: 'L1', givenNames: 'A', familyName: 'B', employerSmartAssessorId: 424242 }));
    expect(error).toBeInstanceOf(SmartAssessorRefusedError);
    expect(error.message).toBe('Smart Assessor refused inserLearnerDetail: no employer has SmartAssessorId 424242');
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
  });

  it.each([
    ['a 503 Receiver fault', { errors: { rate: 1, statuses: [503], when: 'before' as const } }, /server fault/],
    ['a dropped connection', { drops: { rate: 1, when: 'before' as const } }, /network error|connection lost/],
    ['an answer slower than the timeout', { slow: { rate: 1, ms: 60_000 } }, /timed out/],
  ])('%s → transient, retried', async (_what, faults, message) => {
    const sa = hurried({ baseUrl: sim.smartAssessor.url, apiKey: DEMO_SA_CLIENT_KEY }, {});
    await sa.getAllEmployers(); // WSDL in hand: the fault hits the call under test
    sim.setFaults({ endpoints: ['SOAP getAllAssessorDetail'], ...faults });
    const error = await thrown(() => sa.getAllAssessors());
    expect(error).toBeInstanceOf(SmartAssessorTransientError);
    expect(error.message).toMatch(message);
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('retry');
    await settle(); // the simulator finishes holding back a slow answer before the next test
  });

  it.each<[BadAnswerKind, string, RegExp]>([
    ['missing-fields', 'SOAP getAllAssessorDetail', /getAllAssessorDetail answered unexpectedly: Assessor\[0\]\.SmartAssessorId is missing/],
    ['wrong-types', 'SOAP getAllEmployerDetail', /getAllEmployerDetail answered unexpectedly: Employer\[0\]\.SmartAssessorId is not a positive whole number/],
    ['html-200', 'SOAP getAllAssessorDetail', /getAllAssessorDetail answered unexpectedly/],
    ['truncated-json', 'SOAP getAllEmployerDetail', /getAllEmployerDetail answered unexpectedly/],
  ])('a bad answer (%s) → validated at the edge, naming operation and field; permanent', async (kind, endpoint, message) => {
    const sa = client();
    await sa.getAllLearners();
    sim.setFaults({ badAnswers: [{ endpoint, kind, times: 1 }] });
    const error = await thrown(() => (endpoint.includes('Assessor') ? sa.getAllAssessors() : sa.getAllEmployers()));
    expect(error).toBeInstanceOf(SmartAssessorBadResponseError);
    expect(error.message).toMatch(message);
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
  });

  it('an html 500 page → transient', async () => {
    const sa = client();
    await sa.getAllLearners();
    sim.setFaults({ badAnswers: [{ endpoint: 'SOAP getAllEmployerDetail', kind: 'html-500', times: 1 }] });
    const error = await thrown(() => sa.getAllEmployers());
    expect(error).toBeInstanceOf(SmartAssessorTransientError);
    expect(error.message).toContain('HTTP 500');
  });

  it('an answer larger than the size limit → bad response, not retried; the same answer within it is read (issue 17)', async () => {
    const small = soapSmartAssessorClientFactory({ timeoutMs: 2_000, maxResponseBytes: 256 * 1024 });
    const sa = small({ baseUrl: sim.smartAssessor.url, apiKey: DEMO_SA_CLIENT_KEY });
    const employers = await sa.getAllEmployers();
    sim.setFaults({ badAnswers: [{ endpoint: 'SOAP getAllEmployerDetail', kind: 'oversized', bytes: 1024 * 1024, times: 1 }] });
    const error = await thrown(() => sa.getAllEmployers());
    expect(error).toBeInstanceOf(SmartAssessorBadResponseError);
    expect(error.message).toContain('larger than the client reads');
    expect(jobActionFor(error, FIRST_RUN).kind).toBe('fail-permanently');
    const roomy = soapSmartAssessorClientFactory({ timeoutMs: 2_000, maxResponseBytes: 4 * 1024 * 1024 });
    sim.setFaults({ badAnswers: [{ endpoint: 'SOAP getAllEmployerDetail', kind: 'oversized', bytes: 1024 * 1024, times: 1 }] });
    await expect(roomy({ baseUrl: sim.smartAssessor.url, apiKey: DEMO_SA_CLIENT_KEY }).getAllEmployers()).resolves.toEqual(employers);
  });

  it('a wrong-typed new id is refused before it reaches PICS', async () => {
    const sa = client();
    await sa.getAllLearners();
    sim.setFaults({ badAnswers: [{ endpoint: 'SOAP inserEmployerDetail', kind: 'wrong-types', times: 1 }] });
    const error = await thrown(() => sa.insertEmployer({ misId: 'E1', name: 'Typed Ltd' }));
    expect(error).toBeInstanceOf(SmartAssessorBadResponseError);
    expect(error.message).toContain('inserEmployerDetailResult is not a positive whole number');
  });

  it('a base URL without a WSDL → configuration error; a bad URL or no key → configuration error', async () => {
    const error = await thrown(() => client({ baseUrl: `${sim.origin}/nothing-here` }).getAllAssessors());
    expect(error).toBeInstanceOf(SmartAssessorConfigError);
    expect(() => client({ baseUrl: 'ftp://example.org/sa' })).toThrow(SmartAssessorConfigError);
    expect(() => client({ apiKey: '' })).toThrow(SmartAssessorConfigError);
  });

  it('an aborted job signal cancels the call (transient: the job comes back)', async () => {
    const controller = new AbortController();
    const sa = client({ signal: controller.signal });
    await sa.getAllLearners();
    sim.setFaults({ endpoints: ['SOAP getAllAssessorDetail'], slow: { rate: 1, ms: 300 } });
    setTimeout(() => controller.abort(), 50);
    const error = await thrown(() => sa.getAllAssessors());
    expect(error).toBeInstanceOf(SmartAssessorTransientError);
    expect(error.message).toContain('cancelled');
    await settle();
  });

  it('no error carries the request: no key, no envelope, no cause', async () => {
    const sa = client({ apiKey: 'secret-key-abc123' });
    const error = await thrown(() => sa.getAllAssessors());
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('secret-key-abc123');
    expect(error.cause).toBeUndefined();
  });
});
