/** SQL for applying a workspace: one create-or-update primitive over the config tables. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';

export type Outcome = 'created' | 'updated' | 'unchanged';

export type ConfigTable =
  | 'teams'
  | 'roles'
  | 'pods'
  | 'users'
  | 'task_types'
  | 'entities'
  | 'procedures'
  | 'states'
  | 'state_tasks'
  | 'attributes'
  | 'whatsapp_plugins'
  | 'whatsapp_business_accounts'
  | 'whatsapp_phone_numbers';

const PRIMARY_KEY: Partial<Record<ConfigTable, string>> = {
  whatsapp_business_accounts: 'waba_id',
  whatsapp_phone_numbers: 'phone_number_id',
};

export interface UpsertSpec {
  table: ConfigTable;
  /** The row's id when the file fixes it. */
  id?: string;
  /** How the row is found when no id is given: [sql expression, value] pairs ANDed. */
  naturalKey: [string, unknown][];
  values: Record<string, unknown>;
  /** Columns of type jsonb (sent as JSON text). */
  json?: string[];
}

/** The file fixes an id, but the object it names already exists under another id. */
export class IdConflict extends Error {
  constructor(
    message: string,
    readonly existingId: string,
  ) {
    super(message);
  }
}

export interface UpsertResult {
  id: string;
  outcome: Outcome;
  /** The row as it was before (undefined when created). */
  before?: Record<string, any>;
}

function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function findRow(tx: Queryable, table: ConfigTable, where: [string, unknown][]): Promise<Record<string, any> | undefined> {
  const clause = where.map(([expr], i) => `${expr} = $${i + 1}`).join(' and ');
  const rows = await tx.query(
    `select * from ${table} where ${clause}`,
    where.map(([, v]) => v),
  );
  return rows[0];
}

/**
 * Creates the row or updates only the columns whose value differs; an unchanged row is not
 * written at all, so applying the same file twice leaves updated_at alone.
 */
export async function upsertRow(tx: Queryable, spec: UpsertSpec): Promise<UpsertResult> {
  const pk = PRIMARY_KEY[spec.table] ?? 'id';
  const json = new Set(spec.json ?? []);
  const param = (col: string, v: unknown) => (json.has(col) && v !== null && v !== undefined ? JSON.stringify(v) : v);
  const cast = (col: string) => (json.has(col) ? '::jsonb' : '');

  const byId = spec.id ? await findRow(tx, spec.table, [[pk, spec.id]]) : undefined;
  const existing = byId ?? (await findRow(tx, spec.table, spec.naturalKey));
  if (spec.id && existing && !byId) throw new IdConflict(`already exists with id ${existing[pk]}`, existing[pk]);
  // A fixed id must not reach into another team's (or another parent's) object.
  for (const parent of ['team_id', 'owner_id', 'procedure_id']) {
    if (byId && parent in spec.values && byId[parent] !== spec.values[parent]) {
      throw new IdConflict(`id ${spec.id} is already used by another object`, spec.id!);
    }
  }
  if (!existing) {
    const id = spec.id ?? (pk === 'id' ? randomUUID() : undefined);
    const cols = Object.keys(spec.values);
    const names = pk === 'id' ? ['id', ...cols] : cols;
    const params = pk === 'id' ? [id, ...cols.map((c) => param(c, spec.values[c]))] : cols.map((c) => param(c, spec.values[c]));
    const placeholders = names.map((c, i) => `$${i + 1}${c === 'id' ? '' : cast(c)}`);
    const rows = await tx.query(
      `insert into ${spec.table} (${names.join(', ')}) values (${placeholders.join(', ')}) returning ${pk} as id`,
      params,
    );
    return { id: rows[0].id, outcome: 'created' };
  }
  const changed = Object.keys(spec.values).filter((c) => canonical(existing[c]) !== canonical(spec.values[c]));
  if (changed.length === 0) return { id: existing[pk], outcome: 'unchanged', before: existing };
  const sets = changed.map((c, i) => `${c} = $${i + 2}${cast(c)}`);
  await tx.run(`update ${spec.table} set ${sets.join(', ')}, updated_at = now() where ${pk} = $1`, [
    existing[pk],
    ...changed.map((c) => param(c, spec.values[c])),
  ]);
  return { id: existing[pk], outcome: 'updated', before: existing };
}

export async function listRoleIds(tx: Queryable, teamId: string): Promise<Map<string, string>> {
  const rows = await tx.query<{ id: string; short_id: string }>('select id, short_id from roles where team_id = $1', [teamId]);
  return new Map(rows.map((r) => [r.short_id, r.id]));
}

export async function clearDefaultStatesExcept(tx: Queryable, procedureId: string, keepShortIds: string[]) {
  await tx.run(
    `update states set is_default_start = false, is_default_completed = false, updated_at = now()
      where procedure_id = $1 and not (short_id = any($2::text[])) and (is_default_start or is_default_completed)`,
    [procedureId, keepShortIds],
  );
}
