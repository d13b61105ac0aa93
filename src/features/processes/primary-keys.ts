/**
 * Primary-key values, of a procedure's processes and of an entity's records: compared as text,
 * bounded in length, and (for processes) unique among the live processes of a procedure.
 */
import { AppError, invalid } from '../../core/errors.ts';
import { MAX_PATH_PARAM_LENGTH } from '../../core/http/edge-errors.ts';
import type { ProcedureDef } from '../config/model.ts';

/** Primary-key values are compared as text: `LEAD-001`, or `42` for a numeric key. */
export const pkText = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** The value of primary key `key` among attribute values, as text; null without a key or a value. */
export const pkValueOf = (key: string | null | undefined, values: Record<string, unknown>) => (key ? pkText(values[key]) : null);

/** Longest primary-key value, in characters: key values are indexed, and an index entry has a size limit. */
const MAX_KEY_LENGTH = MAX_PATH_PARAM_LENGTH; // a key value must stay addressable in a path

export function checkKeyLength(key: string | null | undefined, values: Record<string, unknown>, path: string) {
  const value = pkValueOf(key, values);
  if (value !== null && value.length > MAX_KEY_LENGTH)
    throw invalid(`${path}.${key}`, `is a primary key: at most ${MAX_KEY_LENGTH} characters`);
}

export function pkConflict(procedure: ProcedureDef, value: string | null): AppError {
  return new AppError(
    'CONFLICT',
    { path: `data.${procedure.primaryKey}`, reason: `${value} is already used by another ${procedure.shortId} process` },
    {
      details: [
        {
          path: `data.${procedure.primaryKey}`,
          code: 'unique',
          message: `${value} is already used by another ${procedure.shortId} process`,
        },
      ],
    },
  );
}
