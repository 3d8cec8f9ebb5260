import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { domainProblem } from './domain-errors.js';
import { PROBLEM_CONTENT_TYPE, problemBody, type FieldProblem, type ProblemBody } from './problems.js';

// The API scope's error and not-found handlers: every failure becomes a problem (problems.ts).

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  schemaPath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

const PART: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** "/pathways/0/standardId" in the body → "body.pathways[0].standardId". */
function fieldPath(part: string, pointer: string, child?: string): string {
  const segments = [...pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')), ...(child ? [child] : [])];
  return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : `${path}.${s}`), part);
}

/** Every field at fault, once each, in words that say the rule (never the value given). */
export function validationErrors(context: string | undefined, issues: ValidationIssue[]): FieldProblem[] {
  const part = PART[context ?? ''] ?? context ?? 'request';
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    // TypeBox reports an unknown field twice: as additionalProperties and as the false schema it met.
    if (issue.keyword === 'boolean' && issue.schemaPath?.endsWith('additionalProperties')) continue;
    if (issue.keyword === 'additionalProperties') {
      const names = (issue.params?.additionalProperties ?? issue.params?.additionalProperty ?? []) as string[] | string;
      for (const name of [names].flat()) out.push({ field: fieldPath(part, issue.instancePath, name), message: 'is not a known field (unknown fields are refused)' });
    } else if (issue.keyword === 'required') {
      const names = (issue.params?.requiredProperties ?? issue.params?.missingProperty ?? []) as string[] | string;
      for (const name of [names].flat()) out.push({ field: fieldPath(part, issue.instancePath, name), message: 'is required' });
    } else {
      out.push({ field: fieldPath(part, issue.instancePath), message: issue.message ?? `breaks the ${issue.keyword} rule` });
    }
  }
  // One entry per field: a value can break several rules of one schema (minLength and pattern, each branch of a union).
  const seen = new Set<string>();
  return out.filter((e) => (seen.has(e.field) ? false : (seen.add(e.field), true)));
}

function send(reply: FastifyReply, body: ProblemBody, headers: Record<string, string> = {}) {
  return reply.code(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Maps every error of the API's scope (its own, fastify's, the rate limiter's) to a problem. */
export function installProblemHandlers(scope: FastifyInstance, logger: Logger): void {
  scope.setNotFoundHandler((request: FastifyRequest, reply) => send(reply, problemBody(404, 'no-such-route', `no route ${request.method} ${request.url.split('?')[0]} in /api/v1: see /api/v1/openapi.json`)));

  scope.setErrorHandler((error: FastifyError & { validationContext?: string; validation?: ValidationIssue[] }, request, reply) => {
    const problem = domainProblem(error);
    if (problem) return send(reply, problemBody(problem.status, problem.code, problem.detail, problem.errors));
    if (error.validation) {
      const errors = validationErrors(error.validationContext, error.validation);
      return send(reply, problemBody(400, 'invalid-request', `the request breaks the API's schema at ${errors.map((e) => e.field).join(', ')}`, errors));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, problemBody(413, 'body-too-large', 'the request body is larger than the API accepts (api.bodyLimitBytes)'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, problemBody(415, 'unsupported-media-type', 'send the body as application/json'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, problemBody(400, 'invalid-json', 'the body is empty but its Content-Type says JSON: send {} or no Content-Type'));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(reply, problemBody(400, 'invalid-request', 'the Content-Length does not match the body'));
      default:
        break;
    }
    // JSON.parse's message quotes the body (which may hold personal data): a fixed phrase instead.
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return send(reply, problemBody(400, 'invalid-json', 'the body is not valid JSON'));
    }
    if (error.statusCode === 429) return send(reply, problemBody(429, 'too-many-failed-attempts', error.message), { 'retry-after': String(reply.getHeader('retry-after') ?? '60') });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, problemBody(error.statusCode, 'bad-request', 'the request could not be handled as sent'));
    }
    logger.error({ err: error, method: request.method, route: request.routeOptions.url }, 'API request failed');
    return send(reply, problemBody(500, 'internal-error', 'the worker could not answer this request; the error is in its log'));
  });
}
