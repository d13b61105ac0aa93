/**
 * Changing a task (docs/console.md#tasks): complete or cancel it, reopen it, reassign it, move
 * its due date, fill in its state task's attributes. An extension: ChakraHQ documents creating
 * tasks only. `completedAt`/`cancelledAt` follow the status.
 */
import type { Actor } from '../../core/auth/principal.ts';
import type { Db } from '../../core/db/types.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { epochMs } from '../attributes/check-value.ts';
import { checkData, dataError, resolveDataReferences } from '../attributes/validate-data.ts';
import type { TeamConfig } from '../config/model.ts';
import { writeHistory } from '../history/repo.ts';
import * as repo from './repo.ts';
import { toView } from './service.ts';

export interface TaskChanges {
  status?: 'OPEN' | 'COMPLETED' | 'CANCELLED';
  data?: Record<string, unknown>;
  assignedTo?: string | null;
  title?: string | null;
  description?: string | null;
  dueBy?: number | string | null;
}

export async function changeTask(db: Db, config: TeamConfig, taskId: string, input: TaskChanges, actor: Actor) {
  let dueBy: Date | null | undefined;
  if (input.dueBy !== undefined) {
    const t = input.dueBy === null ? null : epochMs(input.dueBy);
    if (t && !t.ok) throw invalid('dueBy', t.message);
    dueBy = t ? new Date(t.value as number) : null;
  }
  return db.tx(async (tx) => {
    const before = await repo.findTask(tx, config.team.id, taskId, true);
    if (!before) throw notFound('task', taskId);
    const stateTask = config.procedures.flatMap((p) => p.stateTasks).find((t) => t.id === before.state_task_id);
    const check = checkData(new Map((stateTask?.attributes ?? []).map((a) => [a.shortId, a])), input.data, 'data', { creating: false });
    if (check.problems.length) throw dataError(check.problems);
    const assignee = await resolveDataReferences(tx, config.team.id, [{ path: 'data', check }], input.assignedTo);
    const status = input.status ?? before.status;
    const moved = status !== before.status;
    const now = new Date();
    const data = { ...before.data, ...check.values };
    for (const [key, value] of Object.entries(data)) if (value === null) delete data[key];
    const after = await repo.updateTask(tx, before.id, {
      status,
      assigned_to: input.assignedTo === undefined ? before.assigned_to : (assignee ?? null),
      title: input.title === undefined ? before.title : input.title,
      description: input.description === undefined ? before.description : input.description,
      due_by: dueBy === undefined ? before.due_by : dueBy,
      completed_at: status === 'COMPLETED' ? (moved ? now : before.completed_at) : null,
      cancelled_at: status === 'CANCELLED' ? (moved ? now : before.cancelled_at) : null,
      data,
    });
    // Closing a task is part of its process's history; a reopen, a reassignment or new data are not.
    const procedure = config.procedures.find((p) => p.stateTasks.some((t) => t.id === before.state_task_id));
    if (moved && status !== 'OPEN' && procedure) {
      const kind = status === 'COMPLETED' ? 'task_completed' : 'task_cancelled';
      const changes = { taskId: after.id, stateTask: stateTask?.shortId ?? null, title: after.title, status };
      await writeHistory(tx, config.team.id, actor, [{ procedureId: procedure.id, processId: after.process_id, kind, changes }]);
    }
    return { before: toView(before), after: toView(after) };
  });
}
