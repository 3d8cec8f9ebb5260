import type { BadAnswerRule } from '../faults.js';

/**
 * The simulator's bad-answer kinds, applied to a SOAP answer: an HTML page (200 or 500), a cut-off envelope,
 * a wrong-typed result (ids that are not ids), fields removed (default: every SmartAssessorId and …Result), or
 * an answer padded past the client's size limit.
 */
export function spoilSoap(answer: { status: number; body: string }, rule: BadAnswerRule): { status: number; body: string } {
  switch (rule.kind) {
    case 'html-200': return { status: 200, body: '<html><body><h1>Service temporarily unavailable</h1></body></html>' };
    case 'html-500': return { status: 500, body: '<html><body><h1>500 Internal Server Error</h1></body></html>' };
    case 'truncated-json': return { status: answer.status, body: answer.body.slice(0, Math.floor(answer.body.length / 2)) };
    case 'wrong-types':
      return { status: answer.status, body: answer.body.replace(/(<(?:[\w-]+:)?(?:SmartAssessorId|\w+Result)>)[^<]*(<\/)/g, '$1not-an-id!$2') };
    case 'oversized': // the right envelope, padded after its root element with white space XML allows there
      return { status: answer.status, body: answer.body + ' '.repeat(Math.max(0, (rule.bytes ?? 17 * 1024 * 1024) - Buffer.byteLength(answer.body))) };
    case 'missing-fields': {
      const fields = rule.fields ?? ['SmartAssessorId'];
      let body = answer.body;
      for (const f of fields) body = body.replace(new RegExp(`<(?:[\\w-]+:)?${f}>[^<]*</(?:[\\w-]+:)?${f}>`, 'g'), '');
      return { status: answer.status, body };
    }
  }
}
