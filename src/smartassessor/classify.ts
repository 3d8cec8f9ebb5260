import {
  SmartAssessorAuthError, SmartAssessorBadResponseError, SmartAssessorConfigError, SmartAssessorRefusedError, SmartAssessorTransientError,
  isSmartAssessorError, type SmartAssessorError,
} from './errors.js';

/*
 * Turns whatever node-soap or axios threw into one of our errors. Only the operation, an HTTP status, a
 * network code and the fault's own reason are kept: the original error holds the request config (URL,
 * headers, the envelope with the ApiKey) and is never passed on, not even as `cause`.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'ERR_CANCELED', 'ERR_NETWORK', 'ERR_BAD_RESPONSE', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isObj(v) && '$value' in v) return textOf(v.$value);
  return '';
}

/** SOAP 1.2 `Fault {Code {Value, Subcode {Value}}, Reason {Text}}`, or SOAP 1.1 `faultcode/faultstring`. */
function faultOf(error: Obj): { code: string; subcode: string; reason: string } | null {
  const root = error.root as Obj | undefined;
  const envelope = isObj(root) ? (root.Envelope as Obj | undefined) : undefined;
  const body = isObj(envelope) ? (envelope.Body as Obj | undefined) : undefined;
  const fault = isObj(body) ? (body.Fault as Obj | undefined) : undefined;
  if (!isObj(fault)) return null;
  const code = isObj(fault.Code) ? textOf((fault.Code as Obj).Value) : textOf(fault.faultcode);
  const sub = isObj(fault.Code) && isObj((fault.Code as Obj).Subcode) ? textOf(((fault.Code as Obj).Subcode as Obj).Value) : '';
  const reason = isObj(fault.Reason) ? textOf((fault.Reason as Obj).Text) : textOf(fault.faultstring);
  return { code, subcode: sub, reason: reason || 'no reason given' };
}

const local = (qname: string) => qname.slice(qname.indexOf(':') + 1).toLowerCase();

export function classifySoapError(operation: string, error: unknown): SmartAssessorError {
  if (isSmartAssessorError(error)) return error;
  if (!isObj(error)) return new SmartAssessorTransientError(operation, 'failed');

  const fault = faultOf(error);
  if (fault) {
    const code = local(fault.code);
    const subcode = local(fault.subcode);
    if (subcode === 'authenticationfailure' || subcode === 'readonly') return new SmartAssessorAuthError(operation, fault.reason);
    if (code === 'sender' || code === 'client') return new SmartAssessorRefusedError(operation, fault.reason);
    return new SmartAssessorTransientError(operation, `server fault: ${fault.reason}`);
  }

  const code = typeof error.code === 'string' ? error.code : undefined;
  const text = typeof error.message === 'string' ? error.message : '';
  // axios's own words for an answer cut off at maxContentLength (its code, ERR_BAD_RESPONSE, is shared with
  // dropped streams): the same answer would come back, so it is not worth retrying.
  if (/^maxContentLength size of -?\d+ exceeded$/.test(text)) {
    return operation === 'wsdl'
      ? new SmartAssessorConfigError('the WSDL at ?wsdl is larger than the client reads')
      : new SmartAssessorBadResponseError(operation, 'the answer is larger than the client reads');
  }
  if (code && NETWORK_CODES.has(code)) {
    return new SmartAssessorTransientError(operation, code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timed out' : code === 'ERR_CANCELED' ? 'cancelled' : `network error ${code}`);
  }
  const response = isObj(error.response) ? error.response : undefined;
  const message = typeof error.message === 'string' ? error.message : '';
  const status = typeof response?.status === 'number' ? response.status : Number(/Code: (\d{3})/.exec(message)?.[1] ?? NaN);
  if (Number.isInteger(status)) {
    if (status >= 500 || status === 429 || status === 408) return new SmartAssessorTransientError(operation, `HTTP ${status}`);
    if (status === 401 || status === 403) return new SmartAssessorAuthError(operation, `HTTP ${status}`);
    if (operation === 'wsdl') return new SmartAssessorConfigError(`base_url does not serve a WSDL at ?wsdl (HTTP ${status})`);
    return new SmartAssessorBadResponseError(operation, `HTTP ${status} without a SOAP fault`);
  }
  if (/socket hang up|aborted|timeout/i.test(message)) return new SmartAssessorTransientError(operation, 'connection lost');
  if (operation === 'wsdl') return new SmartAssessorConfigError('base_url does not serve a readable WSDL at ?wsdl');
  // node-soap could not parse an answer that arrived: not the contract we built to.
  return new SmartAssessorBadResponseError(operation, 'the answer is not a SOAP envelope this client understands');
}
