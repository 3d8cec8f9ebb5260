import { setTimeout as sleep } from 'node:timers/promises';
import { lateAnswer } from '../dispatch.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Simulator } from '../simulator.js';
import { spoilSoap } from './bad-answers.js';
import { SA_PATH } from './service.js';
import { smartAssessorWsdl } from './wsdl.js';

/*
 * The Smart Assessor SOAP endpoint on the simulator's server: `GET /smartassessor?wsdl` and
 * `POST /smartassessor` (SOAP 1.2). Calls go through the simulator's fault machinery under the endpoint
 * names `SOAP <operation>` and `GET /smartassessor?wsdl` (drops before/after the work, 5xx, latency, slow
 * answers, bad answers) and are counted in its stats. Smart Assessor's rate limits are unknown: none here.
 */

const SOAP12 = 'application/soap+xml; charset=utf-8';

export const saEndpoint = (operation: string) => `SOAP ${operation}`;
export const SA_WSDL_ENDPOINT = `GET ${SA_PATH}?wsdl`;

/** The operation a SOAP envelope calls: the body's first element (the fault plan needs it before parsing). */
export function operationOf(envelope: string): string | null {
  return /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?([A-Za-z_][\w.-]*)/.exec(envelope)?.[1] ?? null;
}

export function receiverFault(reason: string): string {
  return '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>'
    + `<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">${reason}</soap:Text></soap:Reason></soap:Fault>`
    + '</soap:Body></soap:Envelope>';
}

function drop(sim: Simulator, endpoint: string, reply: FastifyReply) {
  sim.stats.record(endpoint, 'dropped');
  reply.hijack();
  reply.raw.socket?.destroy();
  return reply;
}

export function registerSmartAssessor(app: FastifyInstance, sim: Simulator): void {
  // Encapsulated: SOAP bodies are XML text here, while the rest of the server parses JSON.
  void app.register(async (soap) => {
    soap.removeAllContentTypeParsers();
    soap.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    soap.get(SA_PATH, async (req, reply) => {
      const wantsWsdl = Object.keys(req.query as object).some((k) => k.toLowerCase() === 'wsdl');
      if (!wantsWsdl) return reply.code(404).type('text/plain').send('Add ?wsdl for the service description.');
      const plan = sim.faults.plan(SA_WSDL_ENDPOINT);
      if (plan?.drop) return drop(sim, SA_WSDL_ENDPOINT, reply);
      if (plan?.error) {
        sim.stats.record(SA_WSDL_ENDPOINT, plan.error.status);
        return reply.code(plan.error.status).type('text/html').send('<html><body>Service Unavailable</body></html>');
      }
      sim.stats.record(SA_WSDL_ENDPOINT, 200);
      return reply.type('text/xml; charset=utf-8').send(smartAssessorWsdl(`http://${req.headers.host ?? 'localhost'}${SA_PATH}`));
    });

    soap.post(SA_PATH, async (req, reply) => {
      const envelope = typeof req.body === 'string' ? req.body : '';
      const operation = operationOf(envelope) ?? '(none)';
      const endpoint = saEndpoint(operation);
      const plan = sim.faults.plan(endpoint);
      if (plan?.drop === 'before') return drop(sim, endpoint, reply);
      if (plan && plan.delayMs > 0) await sleep(plan.delayMs);
      let status: number;
      let body: string;
      if (plan?.error?.when === 'before') {
        ({ status } = plan.error);
        body = receiverFault('An error has occurred.');
      } else {
        const answer = await sim.smartAssessor.handle(operation, envelope, req.headers);
        ({ status, body } = answer);
        if (plan?.error?.when === 'after') {
          ({ status } = plan.error);
          body = receiverFault('An error has occurred.');
          answer.entry.outcome = `done, answered ${status}`;
        }
        if (plan?.drop === 'after') answer.entry.outcome = 'answer-dropped';
      }
      const bad = sim.faults.takeBadAnswer(endpoint);
      if (bad) ({ status, body } = spoilSoap({ status, body }, bad));
      // Held back, but not past a caller that has already given up (so no timer outlives a test that timed out).
      if (plan && plan.slowMs > 0) await lateAnswer(req, plan.slowMs);
      if (plan?.drop === 'after') return drop(sim, endpoint, reply);
      sim.stats.record(endpoint, status);
      const html = body.trimStart().startsWith('<html');
      return reply.code(status).header('content-type', html ? 'text/html' : SOAP12).send(body);
    });
  });
}
