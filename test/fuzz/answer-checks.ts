/**
 * What every answer must be, whatever was sent (issue 12 §2, docs/api.md#envelope and docs/errors.md):
 * - never a 5xx (502/504 only where the WhatsApp upstream is involved);
 * - an `x-request-id` header;
 * - every non-2xx is the error envelope `{_data: null, _meta: {code, requestId}, _errors: [...]}`
 *   with `_meta.requestId` equal to the header (Meta's own error body on the pass-through);
 * - every 2xx JSON body matches the response schema the operation declares for that status;
 * - no 400 that only the database produced (`SQLSTATE …`): validation must catch it first.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FuzzAnswer } from './fuzz-request.ts';
import type { JsonSchema, Operation } from './operations.ts';

export type FailureKind =
  | 'server-error'
  | 'no-request-id'
  | 'not-an-envelope'
  | 'request-id-mismatch'
  | 'response-schema'
  | 'undeclared-success-status'
  | 'database-refused'
  | 'no-answer';

export interface Finding {
  kind: FailureKind;
  /** One line: what was wrong with the answer. */
  detail: string;
}

/** Compiles each declared JSON response schema once, from the OpenAPI document itself. */
export class ResponseSchemas {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: JsonSchema) {
    this.ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema({ ...doc, $id: 'openapi' });
  }

  validator(op: Operation, status: string): ValidateFunction | undefined {
    const pointer = op.responsePointers.get(status);
    if (!pointer) return undefined;
    const key = `${op.id} ${status}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `openapi${pointer}` });
      this.compiled.set(key, fn);
    }
    return fn;
  }
}

const isWhatsApp = (op: Operation) => /whatsapp/.test(op.template);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function envelopeProblem(body: any): string | undefined {
  if (!body || typeof body !== 'object') return 'the body is not a JSON object';
  if (body._data !== null) return '_data is not null';
  if (!body._meta || typeof body._meta.code !== 'string' || !body._meta.code) return '_meta.code is missing';
  if (typeof body._meta.requestId !== 'string' || !body._meta.requestId) return '_meta.requestId is missing';
  if (!Array.isArray(body._errors) || body._errors.length === 0) return '_errors is not a non-empty array';
  if (!body._errors.every((e: unknown) => typeof e === 'string' && e.length > 0))
    return '_errors holds something other than non-empty strings';
  return undefined;
}

/** Meta's error shape, which the template pass-through hands on unwrapped. */
const isMetaError = (body: any) => !!body && typeof body === 'object' && body.error && typeof body.error === 'object';

export function checkAnswer(op: Operation, answer: FuzzAnswer, schemas: ResponseSchemas): Finding[] {
  const findings: Finding[] = [];
  const { status } = answer;
  const body = parse(answer.text) as any;
  const requestId = answer.headers['x-request-id'];

  if (status >= 500 && !(isWhatsApp(op) && (status === 502 || status === 504))) {
    findings.push({
      kind: 'server-error',
      detail: `${status} ${body?._meta?.code ?? ''} ${body?._errors?.[0] ?? answer.text.slice(0, 200)}`,
    });
  }
  if (!requestId) findings.push({ kind: 'no-request-id', detail: `${status} without x-request-id` });

  if (status >= 400) {
    const problem = envelopeProblem(body);
    if (problem && !(op.passThrough && isMetaError(body))) {
      // Fastify's own answers carry a code (FST_ERR_…) or at least a message: name the answer by it.
      const what = body?.code ?? body?.message ?? answer.text.slice(0, 80);
      findings.push({ kind: 'not-an-envelope', detail: `${status} ${what}: ${problem}` });
    } else if (!problem && requestId && body._meta.requestId !== requestId) {
      findings.push({ kind: 'request-id-mismatch', detail: `header ${requestId}, body ${body._meta.requestId}` });
    }
    if (!problem && body._errors.some((e: string) => /SQLSTATE/.test(e))) {
      findings.push({ kind: 'database-refused', detail: `${status} ${body._errors[0]}` });
    }
    return findings;
  }

  if (status < 200 || status >= 300) return findings;
  // 2xx: the declared schema for that status, when the operation declares a JSON one.
  const declared = op.responses.has(String(status));
  if (!declared) {
    findings.push({ kind: 'undeclared-success-status', detail: `${status} is not among ${[...op.responses.keys()].join(', ')}` });
    return findings;
  }
  const validate = schemas.validator(op, String(status));
  if (validate) {
    if (body === undefined) findings.push({ kind: 'response-schema', detail: `${status} is not JSON: ${answer.text.slice(0, 120)}` });
    else if (!validate(body)) {
      const e = validate.errors?.[0];
      findings.push({ kind: 'response-schema', detail: `${e?.instancePath || '/'} ${e?.message} (${JSON.stringify(e?.params)})` });
    }
  }
  return findings;
}
