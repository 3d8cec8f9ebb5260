import { createRequire } from 'node:module';
import path from 'node:path';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';

/*
 * The API tests' client: real HTTP to a real daemon (the harness: its own database, Redis prefix and OneFile
 * simulator). Every answer it receives is checked against the served OpenAPI document — status documented for
 * the operation, content type documented, body valid against the documented schema — and every operation it
 * reaches is recorded, so a test can insist that every documented route was exercised.
 */

export const KEY_A = 'api-key-a-0123456789abcdef0123456789';
export const KEY_B = 'api-key-b-fedcba9876543210fedcba9876';

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

// ajv 8 with the JSON Schema 2020-12 dialect of OpenAPI 3.1: the copy fastify's own validator compiler uses.
const requireHere = createRequire(import.meta.url);
const ajvDir = path.dirname(requireHere.resolve('@fastify/ajv-compiler/package.json'));
const requireAjv = createRequire(path.join(ajvDir, 'index.js'));
const Ajv2020 = (requireAjv('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default;
const addFormats = requireHere('ajv-formats') as (ajv: AjvLike) => void;
interface AjvLike {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
}

export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
  json: Json;
  headers: Headers;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (with Content-Type application/json unless headers say otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiClient {
  url: string;
  document: Json;
  operations: Operation[];
  /** "METHOD /template" of every documented operation a request reached. */
  exercised: Set<string>;
  /** Every answer that broke the document: empty in a passing test. */
  violations: string[];
  request(method: string, pathAndQuery: string, options?: RequestOptions): Promise<ApiResponse>;
}

export async function apiClient(baseUrl: string): Promise<ApiClient> {
  const url = baseUrl.replace(/\/$/, '');
  const document = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`);
      operations.push({ method: method.toUpperCase(), template, pattern, responses: op.responses as Operation['responses'] });
    }
  }
  const validators = new Map<object, ReturnType<AjvLike['compile']>>();
  const validate = (schema: Json) => {
    if (!validators.has(schema)) validators.set(schema, ajv.compile(schema));
    return validators.get(schema)!;
  };
  const exercised = new Set<string>();
  const violations: string[] = [];

  return {
    url, document, operations, exercised, violations,
    async request(method, pathAndQuery, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? KEY_A : options.key;
      if (key !== null) headers.authorization ??= `Bearer ${key}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${url}${pathAndQuery}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
      let json: Json = {};
      try {
        json = JSON.parse(text) as Json;
      } catch {
        violations.push(`${method} ${pathAndQuery} → ${res.status}: body is not JSON: ${text.slice(0, 200)}`);
      }
      const routePath = pathAndQuery.split('?')[0]!;
      const op = operations.find((o) => o.method === method && o.pattern.test(routePath));
      if (op) {
        exercised.add(`${op.method} ${op.template}`);
        const response = op.responses[String(res.status)];
        const media = response?.content?.[contentType];
        if (!response) violations.push(`${method} ${op.template} → ${res.status}: status not documented`);
        else if (!media) violations.push(`${method} ${op.template} → ${res.status}: content type ${contentType} not documented`);
        else {
          const check = validate(media.schema);
          if (!check(json)) violations.push(`${method} ${op.template} → ${res.status}: ${JSON.stringify(check.errors).slice(0, 500)}`);
        }
      }
      return { status: res.status, contentType, text, json, headers: res.headers };
    },
  };
}

export async function startApiHarness(options: HarnessOptions = {}): Promise<{ h: Harness; api: ApiClient }> {
  const h = await startHarness({ ...options, env: { API_KEYS: `${KEY_A},${KEY_B}`, API_MAX_FAILED_AUTH: '1000', ...options.env } });
  return { h, api: await apiClient(h.daemon.http.url) };
}

/** The queue's jobs in every state: a bad request must leave this unchanged. */
export async function jobCounts(h: Harness): Promise<Record<string, number>> {
  const counts = await Promise.all(Object.values(h.producer.queues).map(async (q) => [q.name, Object.values(await q.getJobCounts()).reduce((a, b) => a + b, 0)] as const));
  return Object.fromEntries(counts);
}

export async function pollJob(api: ApiClient, href: string, timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.request('GET', href);
    if (res.status === 200 && res.json.finished === true) return res.json;
    if (Date.now() > deadline) throw new Error(`${href} not finished after ${timeoutMs} ms: ${res.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
