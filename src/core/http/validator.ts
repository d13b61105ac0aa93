import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';

/** An Ajv instance for request schemas: every error reported (one `_errors` line each), formats on. */
export function createValidator(options: Pick<Options, 'coerceTypes'>): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats.default(ajv);
  return ajv;
}
