/**
 * Lists of tasks across processes (docs/console.md#my-tasks): a user's tasks, or a process's,
 * due first, keyset-paged. An extension: ChakraHQ documents creating tasks only.
 */
import type { TeamPrincipal } from '../../core/auth/principal.ts';
import type { Queryable } from '../../core/db/types.ts';
import { invalid } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import { resolveUsers } from '../attributes/validate-data.ts';
import type { TeamConfig } from '../config/model.ts';
import * as repo from './repo.ts';
import { toView } from './service.ts';

export interface TaskListInput {
  assignedTo?: string;
  process?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

const STATUSES = new Set(['OPEN', 'COMPLETED', 'CANCELLED']);

function decodeCursor(text: string): { due: Date | null; id: string } {
  try {
    const [due, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if ((due === null || Number.isSafeInteger(due)) && typeof id === 'string' && isUuid(id))
      return { due: due === null ? null : new Date(due), id };
  } catch {
    // answered below
  }
  throw invalid('cursor', "is not a cursor this list gave (pass the previous page's _meta.nextCursor)");
}

const encodeCursor = (row: repo.TaskRow) => Buffer.from(JSON.stringify([row.due_by?.getTime() ?? null, row.id])).toString('base64url');

/** The process's name as lists show it: its primary identifier, else its primary key, else nothing. */
function processLabel(config: TeamConfig, row: repo.ListedTaskRow): string | null {
  const procedure = config.procedures.find((p) => p.id === row.procedure_id);
  for (const key of [procedure?.primaryIdentifier, procedure?.primaryKey]) {
    const value = key ? row.process_data[key] : undefined;
    if (value !== undefined && value !== null && value !== '') return String(value);
  }
  return null;
}

export async function listTasks(db: Queryable, principal: TeamPrincipal, config: TeamConfig, input: TaskListInput) {
  const statuses = (input.status ?? 'OPEN').split(',').map((s) => s.trim().toUpperCase());
  statuses.forEach((s, i) => {
    if (!STATUSES.has(s)) throw invalid('status', `${statuses[i]} is not OPEN, COMPLETED or CANCELLED`);
  });
  let assignedTo: string | undefined;
  if (input.assignedTo === 'me') {
    if (principal.kind !== 'user')
      throw invalid('assignedTo', '"me" names the signed-in user; an API key is nobody: give a username or user id');
    assignedTo = principal.userId;
  } else if (input.assignedTo !== undefined) {
    assignedTo = (await resolveUsers(db, config.team.id, [input.assignedTo])).get(input.assignedTo);
    if (!assignedTo) throw invalid('assignedTo', `no user ${input.assignedTo} in this team`);
  }
  if (input.process !== undefined && !isUuid(input.process)) throw invalid('process', 'must be a process id');
  if (assignedTo === undefined && input.process === undefined) throw invalid('assignedTo', 'give assignedTo or process (or both)');
  const limit = input.limit ?? 50;
  const rows = await repo.listTasks(db, {
    teamId: config.team.id,
    assignedTo,
    processId: input.process?.toLowerCase(),
    statuses: [...new Set(statuses)],
    after: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
    limit,
  });
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    page: page.map((row) => ({
      ...toView(row),
      procedure: config.procedures.find((p) => p.id === row.procedure_id)?.shortId ?? null,
      processLabel: processLabel(config, row),
    })),
    meta: { hasMore, nextCursor: hasMore ? encodeCursor(page[page.length - 1]) : null },
  };
}
