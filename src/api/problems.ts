import { Type, type Static } from 'typebox';

/*
 * RFC 9457 problem details for every error the API answers. `code` is the stable part a client branches on;
 * `detail` is for a person. No error echoes the request's values (a typed email, a key) or an internal
 * message: validation errors name the field and the rule, JSON syntax errors say only that the body is not JSON.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const FieldError = Type.Object({
  field: Type.String({ description: 'Where: body.…, query.… or params.…, or a PICS field (E8 problems), e.g. "email".' }),
  message: Type.String({ description: 'The rule the value broke.' }),
}, { additionalProperties: false });

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'A URN naming the kind of problem: urn:pics-worker:problem:<code>.' }),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String({ description: 'Stable machine-readable code, e.g. invalid-request, unknown-learner, learner-data-invalid.' }),
  detail: Type.String(),
  errors: Type.Optional(Type.Array(FieldError, { description: 'Every field at fault (validation) or every problem to fix in PICS (E8).' })),
}, { additionalProperties: false });

export type ProblemBody = Static<typeof ProblemSchema>;
export type FieldProblem = Static<typeof FieldError>;

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 413: 'Content Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** What a handler throws to answer with a problem. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(readonly status: number, readonly code: string, readonly detail: string, readonly errors?: FieldProblem[]) {
    super(detail);
  }
}

export function problemBody(status: number, code: string, detail: string, errors?: FieldProblem[]): ProblemBody {
  return { type: `urn:pics-worker:problem:${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...(errors ? { errors } : {}) };
}

/** OpenAPI response entries for the problem statuses a route can answer with. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, {
    description: TITLES[status] ?? 'Error',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
  }]));
}
