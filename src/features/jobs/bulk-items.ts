/**
 * One bulk item checked with the same schemas and rules as the single-process endpoints, so an
 * item fails with exactly the text the endpoint would answer. Used at submit (failures become
 * INVALID entries) and again by the worker (the workspace may have changed in between).
 */
import { ajvErrorsToDetails } from '../../core/ajv-details.ts';
import { createValidator } from '../../core/http/validator.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { CreateBody } from '../processes/schemas.ts';
import { pkText } from '../processes/primary-keys.ts';
import {
  prepareCreate,
  prepareUpdate,
  type CreateInput,
  type PreparedCreate,
  type PreparedUpdate,
  type UpdateInput,
} from '../processes/service.ts';
import { attemptRule } from './chunk-support.ts';
import { BulkChanges } from './schemas.ts';

const ajv = createValidator({ coerceTypes: false });
const validCreate = ajv.compile(CreateBody);
const validChanges = ajv.compile(BulkChanges);

type Failed = { ok: false; message: string };
export type CheckedCreate = { ok: true; input: CreateInput; prepared: PreparedCreate } | Failed;
type BulkChangesInput = UpdateInput & { isDeleted?: boolean };
/** The process an update item addresses: by id, or by primary-key value. */
export type UpdateTarget = { id: string } | { pkValue: string };
export type CheckedUpdate = { ok: true; target: UpdateTarget; changes: BulkChangesInput; prepared: PreparedUpdate } | Failed;

const fail = (message: string): Failed => ({ ok: false, message });

function schemaFailure(errors: Parameters<typeof ajvErrorsToDetails>[0] | null | undefined): Failed {
  return fail(
    ajvErrorsToDetails(errors ?? [])
      .map((d) => `${d.path}: ${d.message}`)
      .join('; '),
  );
}

export function checkCreateItem(config: TeamConfig, procedure: ProcedureDef, item: unknown): CheckedCreate {
  if (!validCreate(item)) return schemaFailure(validCreate.errors);
  const input = item as CreateInput;
  const prepared = attemptRule(() => prepareCreate(config, procedure, input));
  return 'error' in prepared ? fail(prepared.error) : { ok: true, input, prepared: prepared.value };
}

/**
 * `{"id": …, "update": {…}}`, `{"<pk>": …, "update": {…}}`, or the same with the changes
 * flat on the item (the documented examples use both).
 */
export function checkUpdateItem(procedure: ProcedureDef, item: Record<string, unknown>): CheckedUpdate {
  const pk = procedure.primaryKey;
  const { id, update, ...rest } = item;
  let target: UpdateTarget;
  if (id !== undefined) {
    if (typeof id !== 'string') return fail('id: must be a string');
    target = { id };
  } else if (pk && pk !== 'update' && rest[pk] !== undefined && rest[pk] !== null) {
    const value = rest[pk];
    if (typeof value !== 'string' && typeof value !== 'number') return fail(`${pk}: must be a string or a number`);
    target = { pkValue: pkText(value) as string };
  } else {
    return fail(`id: is required (or the primary key ${pk ?? `— procedure ${procedure.shortId} has none`})`);
  }
  if (pk && id === undefined) delete rest[pk];
  let changes: unknown = rest;
  if (update !== undefined) {
    const extra = Object.keys(rest);
    if (extra.length) return fail(`${extra[0]}: is not a known field (give the changes under update, or flat without update)`);
    changes = update;
  }
  if (!validChanges(changes)) return schemaFailure(validChanges.errors);
  const input = changes as BulkChangesInput;
  const prepared = attemptRule(() => prepareUpdate(procedure, input));
  return 'error' in prepared ? fail(prepared.error) : { ok: true, target, changes: input, prepared: prepared.value };
}
