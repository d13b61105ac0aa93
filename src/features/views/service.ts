/**
 * Saved views of a procedure's processes (docs/console.md#views), as ChakraHQ's "Lead Spaces":
 * a name over a table or board setup. A view is its owner's (the key or user that saved it), or
 * the team's; sharing with the team, and changing a team view, needs process:write. Filters and
 * sorts are checked as the list call checks them, so a saved view always lists.
 */
import { randomUUID } from 'node:crypto';
import type { TeamPrincipal } from '../../core/auth/principal.ts';
import { hasPrivilege } from '../../core/auth/privileges.ts';
import type { Queryable } from '../../core/db/types.ts';
import { AppError, invalid, notFound } from '../../core/errors.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { listProcesses } from '../processes/service.ts';
import * as repo from './repo.ts';

/** Columns that are process fields rather than attributes. */
const FIELD_COLUMNS = new Set(['status', 'state', 'assignedTo', 'nextActionAt', 'createdAt', 'updatedAt']);

type ViewInput = Partial<Pick<repo.ViewRow, 'name' | 'layout' | 'columns' | 'sort' | 'where'>>;

function toView(procedure: ProcedureDef, row: repo.ViewRow) {
  return {
    id: row.id,
    procedure: procedure.shortId,
    shared: row.owner_id === null,
    name: row.name,
    layout: row.layout,
    columns: row.columns,
    sort: row.sort,
    where: row.where,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function requireWrite(principal: TeamPrincipal): void {
  if (!hasPrivilege(principal.privileges, 'process:write')) {
    throw new AppError('PRIVILEGE_MISSING', { role: principal.roleShortId, privilege: 'process:write' });
  }
}

async function checkSetup(db: Queryable, config: TeamConfig, procedure: ProcedureDef, v: ViewInput): Promise<void> {
  const attributes = new Set(procedure.attributes.map((a) => a.shortId));
  v.columns?.forEach((column, i) => {
    if (!FIELD_COLUMNS.has(column) && !attributes.has(column)) {
      throw invalid(`columns[${i}]`, `${column} is neither an attribute of ${procedure.shortId} nor a process field`);
    }
  });
  if (v.where || v.sort) await listProcesses(db, config, procedure, { where: v.where ?? undefined, sort: v.sort ?? undefined, limit: 1 });
}

const nameTaken = (name: string) => new AppError('CONFLICT', { path: 'name', reason: `a view named "${name}" exists already` });

export async function listViews(db: Queryable, principal: TeamPrincipal, config: TeamConfig, procedure: ProcedureDef) {
  return (await repo.listViews(db, config.team.id, procedure.id, principal.ownerId)).map((row) => toView(procedure, row));
}

export async function createView(
  db: Queryable,
  principal: TeamPrincipal,
  config: TeamConfig,
  procedure: ProcedureDef,
  input: ViewInput & { name: string; shared?: boolean },
) {
  if (input.shared) requireWrite(principal);
  await checkSetup(db, config, procedure, input);
  const row = await repo.insertView(db, {
    id: randomUUID(),
    team_id: config.team.id,
    procedure_id: procedure.id,
    owner_id: input.shared ? null : principal.ownerId,
    name: input.name,
    layout: input.layout ?? 'table',
    columns: input.columns ?? [],
    sort: input.sort ?? null,
    where: input.where ?? null,
  });
  if (!row) throw nameTaken(input.name);
  return toView(procedure, row);
}

/** A view the caller may change: their own, or the team's with process:write. Another's is 404. */
async function changeableView(db: Queryable, principal: TeamPrincipal, config: TeamConfig, procedure: ProcedureDef, id: string) {
  const row = await repo.findView(db, config.team.id, procedure.id, id);
  if (!row || (row.owner_id !== null && row.owner_id !== principal.ownerId)) throw notFound('view', id);
  if (row.owner_id === null) requireWrite(principal);
  return row;
}

export async function updateView(
  db: Queryable,
  principal: TeamPrincipal,
  config: TeamConfig,
  procedure: ProcedureDef,
  id: string,
  input: ViewInput,
) {
  const row = await changeableView(db, principal, config, procedure, id);
  await checkSetup(db, config, procedure, input);
  const next = { ...row, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
  const updated = await repo.updateView(db, config.team.id, id, next);
  if (!updated) throw nameTaken(next.name);
  return toView(procedure, updated);
}

export async function deleteView(db: Queryable, principal: TeamPrincipal, config: TeamConfig, procedure: ProcedureDef, id: string) {
  const row = await changeableView(db, principal, config, procedure, id);
  await repo.deleteView(db, config.team.id, id);
  return toView(procedure, row);
}
