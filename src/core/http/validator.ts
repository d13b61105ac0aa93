import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';

/** Above this size (JSON bodies) or this many values (anything else), a refused document reports its first error only. */
const FULL_REPORT_MAX_BYTES = 64 * 1024;
const FULL_REPORT_MAX_VALUES = 2000;

/** The length of the JSON text each parsed body came from (set by the JSON parser). */
const bodySizes = new WeakMap<object, number>();

export function noteBodySize(parsed: unknown, length: number): void {
  if (parsed !== null && typeof parsed === 'object') bodySizes.set(parsed, length);
}

/** Listing every error of `data` stays cheap: its text was small, or it holds few values. */
function smallEnoughToList(data: unknown): boolean {
  const size = data !== null && typeof data === 'object' ? bodySizes.get(data) : undefined;
  return size !== undefined ? size <= FULL_REPORT_MAX_BYTES : !exceeds(data, FULL_REPORT_MAX_VALUES);
}

/** A compiled schema: `validate(data)` is true or false, with Ajv's errors on `errors`. */
export interface Validate {
  (data: unknown): boolean;
  errors: ErrorObject[] | null | undefined;
}

/**
 * Request schemas compiled twice: one validator stops at the first error, so refusing any body
 * costs no more than reading it up to that error; only when it fails, and the document is small
 * enough for listing every problem to stay cheap (a JSON body up to 64 KiB), the second reports
 * all of them (one `_errors` line each). A large body full of mistakes costs what parsing it
 * costs, not seconds of error collection.
 */
export function createValidator(options: Pick<Options, 'coerceTypes'>) {
  const shared = { removeAdditional: false, useDefaults: true, strict: false, ...options } as const;
  const first = new Ajv({ ...shared, allErrors: false });
  const all = new Ajv({ ...shared, allErrors: true });
  addFormats.default(first);
  addFormats.default(all);
  return {
    compile(schema: object): Validate {
      const firstError = first.compile(schema);
      const everyError = all.compile(schema);
      const validate = ((data: unknown) => {
        if (firstError(data)) {
          validate.errors = null;
          return true;
        }
        validate.errors = smallEnoughToList(data) && !everyError(data) ? everyError.errors : firstError.errors;
        return false;
      }) as Validate;
      return validate;
    },
  };
}

/** Whether a JSON value holds more than `limit` values; stops at the limit, before reading further. */
function exceeds(data: unknown, limit: number): boolean {
  let count = 1;
  const stack: unknown[] = [data];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      count += v.length;
      if (count > limit) return true;
      stack.push(...v);
    } else {
      for (const key in v) {
        if (++count > limit) return true;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}
