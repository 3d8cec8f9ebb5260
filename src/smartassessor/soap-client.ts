import { createClientAsync, type Client } from 'soap';
import { classifySoapError } from './classify.js';
import { SmartAssessorBadResponseError, SmartAssessorConfigError } from './errors.js';
import { parseAssessors, parseEmployers, parseLearners, parseNewEmployerId, parseNewLearnerId, parseUpdated } from './parse.js';
import type { LearnerUpdate, NewEmployer, NewLearner, SmartAssessorApi, SmartAssessorClientFactory, SmartAssessorConnection } from './types.js';
import { OPERATION, READ_OPERATIONS, requestBody, type OperationName } from './wire.js';

/*
 * Smart Assessor's SOAP 1.2 API through node-soap (`soap` on npm, maintained since 2011): it reads the
 * service's own WSDL (`?wsdl`), builds document/literal envelopes, adds the AuthHeader SOAP header and
 * parses answers and faults, so no XML is written or parsed by hand here. WSDLs are parsed once per URL
 * (node-soap's cache); each job gets its own client for its AbortSignal. Every call has an explicit timeout.
 */

/** The namespace of the AuthHeader element (ASMX-style services put it in the service's namespace). */
export const SMART_ASSESSOR_NAMESPACE = 'http://www.smartassessor.co.uk/';

/** Per call and for the WSDL; the public client used 10 s (reference §4.2). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** GetAllLearners returns every learner of the centre at once: tens of thousands of rows fit well within 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface SoapClientFactoryOptions {
  timeoutMs?: number;
  /** Largest answer read (axios's maxContentLength, which node-soap passes on); a larger one is a bad response. */
  maxResponseBytes?: number;
}

function checkedUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new SmartAssessorConfigError('base_url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SmartAssessorConfigError('base_url must be an http(s) URL');
  url.search = '';
  url.hash = '';
  return url.toString();
}

class SoapSmartAssessorClient implements SmartAssessorApi {
  // Private fields: a client that ends up in a log object shows neither the key nor the envelope cache.
  readonly #endpoint: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #signal: AbortSignal | undefined;
  #client: Promise<Client> | undefined;
  #calls = 0;

  constructor(connection: SmartAssessorConnection, timeoutMs: number, maxResponseBytes: number, signal: AbortSignal | undefined) {
    this.#endpoint = checkedUrl(connection.baseUrl);
    if (!connection.apiKey) throw new SmartAssessorConfigError('no client key is set');
    this.#apiKey = connection.apiKey;
    this.#timeoutMs = timeoutMs;
    this.#maxResponseBytes = maxResponseBytes;
    this.#signal = signal;
  }

  /** SOAP operations called (the WSDL, fetched once per URL and process, is not counted). */
  callsMade(): number {
    return this.#calls;
  }

  #soap(): Promise<Client> {
    this.#client ??= (async () => {
      try {
        const client = await createClientAsync(`${this.#endpoint}?wsdl`, {
          forceSoap12Headers: true,
          endpoint: this.#endpoint,
          wsdl_options: { timeout: this.#timeoutMs, maxContentLength: this.#maxResponseBytes, ...(this.#signal ? { signal: this.#signal } : {}) },
        });
        const apiKey = this.#apiKey;
        // One header for every call, ReadOnly set per operation as the public client does.
        client.addSoapHeader(
          (method: { $name?: string }) => ({ AuthHeader: { ApiKey: apiKey, ReadOnly: READ_OPERATIONS.has(method.$name ?? '') ? 'true' : 'false' } }),
          'AuthHeader', 'tns', SMART_ASSESSOR_NAMESPACE,
        );
        return client;
      } catch (error) {
        this.#client = undefined; // a later call may fetch the WSDL again
        throw classifySoapError('wsdl', error);
      }
    })();
    return this.#client;
  }

  async #call(operation: OperationName, args: object): Promise<unknown> {
    const client = await this.#soap();
    const method = (client as unknown as Record<string, unknown>)[`${operation}Async`];
    if (typeof method !== 'function') throw new SmartAssessorBadResponseError('wsdl', `the service's WSDL has no operation ${operation}`);
    this.#calls++;
    try {
      const options = { timeout: this.#timeoutMs, maxContentLength: this.#maxResponseBytes, ...(this.#signal ? { signal: this.#signal } : {}) };
      const [result] = (await method.call(client, args, options)) as [unknown];
      return result;
    } catch (error) {
      throw classifySoapError(operation, error);
    }
  }

  async getAllAssessors() {
    return parseAssessors(OPERATION.getAllAssessors, await this.#call(OPERATION.getAllAssessors, {}));
  }

  async getAllEmployers() {
    return parseEmployers(OPERATION.getAllEmployers, await this.#call(OPERATION.getAllEmployers, {}));
  }

  async getAllLearners() {
    return parseLearners(OPERATION.getAllLearners, await this.#call(OPERATION.getAllLearners, {}));
  }

  async insertEmployer(employer: NewEmployer) {
    return parseNewEmployerId(OPERATION.insertEmployer, await this.#call(OPERATION.insertEmployer, requestBody.insertEmployer(employer)));
  }

  async insertLearner(learner: NewLearner) {
    return parseNewLearnerId(OPERATION.insertLearner, await this.#call(OPERATION.insertLearner, requestBody.insertLearner(learner)));
  }

  async updateLearner(update: LearnerUpdate) {
    parseUpdated(OPERATION.updateLearner, await this.#call(OPERATION.updateLearner, requestBody.updateLearner(update)));
  }
}

/** The SOAP implementation of the Smart Assessor client boundary. */
export function soapSmartAssessorClientFactory(options: SoapClientFactoryOptions = {}): SmartAssessorClientFactory {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return (connection, { signal } = {}) => new SoapSmartAssessorClient(connection, timeoutMs, maxResponseBytes, signal);
}
