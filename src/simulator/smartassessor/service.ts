import { createServerless, type Server } from 'soap';
import { findSaDuplicates, type SaDuplicateReport } from './duplicates.js';
import { smartAssessorServices } from './operations.js';
import { applySaSeed, saDemoSeed, type SaSeedInput } from './seed.js';
import { SaState, type SaRequestLogEntry } from './state.js';
import { smartAssessorWsdl } from './wsdl.js';

export const SA_PATH = '/smartassessor';

export interface SaAnswer {
  status: number;
  body: string;
  entry: SaRequestLogEntry;
}

/**
 * The simulated Smart Assessor without its HTTP front: records, the request log, and node-soap's server
 * (used serverless: the simulator's fastify app owns the socket, so faults and stats stay in one place).
 */
export class SmartAssessorSim {
  readonly state = new SaState();
  private server: Promise<Server> | undefined;
  private current: SaRequestLogEntry | null = null;

  constructor(seed: 'demo' | 'empty' | SaSeedInput = 'demo') {
    this.seed(seed);
  }

  seed(input: 'demo' | 'empty' | SaSeedInput): Record<string, number> {
    if (input === 'empty') return {};
    return applySaSeed(this.state, input === 'demo' ? saDemoSeed() : input);
  }

  reset(seed: 'demo' | 'empty' | SaSeedInput = 'demo'): void {
    this.state.clear();
    this.seed(seed);
  }

  duplicates(): SaDuplicateReport {
    return findSaDuplicates(this.state);
  }

  /** Every record, in the shape a seed takes. */
  dump() {
    return {
      assessors: [...this.state.assessors.values()],
      employers: [...this.state.employers.values()],
      learners: [...this.state.learners.values()],
    };
  }

  private soapServer(): Promise<Server> {
    this.server ??= createServerless({
      path: SA_PATH,
      services: smartAssessorServices({ state: this.state, current: () => this.current }),
      xml: smartAssessorWsdl(`http://localhost${SA_PATH}`),
      forceSoap12Headers: true,
      suppressStack: true,
      returnFault: true,
    });
    return this.server;
  }

  /** One SOAP call: logged (key redacted), then served by node-soap against the records. */
  async handle(operation: string, envelope: string, headers: Record<string, unknown>): Promise<SaAnswer> {
    const server = await this.soapServer();
    const entry = this.state.logRequest(operation, envelope);
    // node-soap parses and runs the method synchronously inside processRequest: `current` is this call's entry.
    this.current = entry;
    let pending: ReturnType<Server['processRequest']>;
    try {
      pending = server.processRequest(envelope, { url: SA_PATH, method: 'POST', headers });
    } finally {
      this.current = null;
    }
    const answer = await pending;
    entry.outcome = answer.statusCode < 400 ? 'ok' : faultSubcode(answer.body) ?? `status ${answer.statusCode}`;
    return { status: answer.statusCode, body: answer.body, entry };
  }
}

function faultSubcode(body: string): string | null {
  return /<(?:[\w-]+:)?Subcode>\s*<(?:[\w-]+:)?Value>([^<]+)</.exec(body)?.[1] ?? null;
}
