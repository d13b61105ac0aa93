/** Creating tasks against a process, shaped and validated by a state task of its procedure. */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/auth/principal.ts';
import type { Db } from '../../core/db/types.ts';
import { AppError, invalid, notFound } from '../../core/errors.ts';
import { epochMs } from '../attributes/check-value.ts';
import { checkData, dataError, resolveDataReferences } from '../attributes/validate-data.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { resolveProcess } from '../processes/service.ts';
import { platformBody, writePlatformEvent } from '../webhooks/outbox.ts';
import { writeHistory, type HistoryEntry } from '../history/repo.ts';
import * as repo from './repo.ts';

export interface CreateTaskInput {
  data?: Record<string, unknown>;
  status?: 'OPEN' | 'COMPLETED' | 'CANCELLED';
  assignedTo?: string | null;
  title?: string | null;
  description?: string | null;
  dueBy?: number | string | null;
  startsAt?: number | string | null;
  endsAt?: number | string | null;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

export function toView(row: repo.TaskRow) {
  return {
    id: row.id,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    team: row.team_id,
    process: row.process_id,
    record: row.record_id,
    stateTask: row.state_task_id,
    taskType: row.task_type_id,
    title: row.title,
    description: row.description,
    status: row.status,
    assignedTo: row.assigned_to,
    createdBy: row.created_by,
    dueBy: ms(row.due_by),
    startsAt: ms(row.starts_at),
    endsAt: ms(row.ends_at),
    startedAt: ms(row.started_at),
    completedAt: ms(row.completed_at),
    cancelledAt: ms(row.cancelled_at),
    data: row.data,
  };
}

function time(value: number | string | null | undefined, path: string): Date | null {
  if (value === undefined || value === null) return null;
  const t = epochMs(value);
  if (!t.ok) throw invalid(path, t.message);
  return new Date(t.value as number);
}

export async function createTask(
  db: Db,
  config: TeamConfig,
  procedure: ProcedureDef,
  idOrPk: string,
  stateTaskKey: string,
  input: CreateTaskInput,
  actor: Actor,
) {
  const stateTask = procedure.stateTasks.find((t) => t.shortId === stateTaskKey || t.id === stateTaskKey);
  if (!stateTask) throw notFound(`state task of ${procedure.shortId}`, stateTaskKey);
  const times = { dueBy: time(input.dueBy, 'dueBy'), startsAt: time(input.startsAt, 'startsAt'), endsAt: time(input.endsAt, 'endsAt') };
  const check = checkData(new Map(stateTask.attributes.map((a) => [a.shortId, a])), input.data, 'data', { creating: true });
  if (check.problems.length) throw dataError(check.problems);

  return db.tx(async (tx) => {
    const process = await resolveProcess(tx, config, procedure, idOrPk);
    if (stateTask.stateIds.length && !stateTask.stateIds.includes(process.state_id)) {
      const names = (ids: string[]) => ids.map((id) => procedure.states.find((s) => s.id === id)?.shortId ?? id);
      throw new AppError('UNPROCESSABLE', {
        path: 'stateTask',
        reason: `${stateTask.shortId} can only be created while the ${procedure.shortId} is in ${names(stateTask.stateIds).join(', ')} (it is in ${names([process.state_id])[0]})`,
      });
    }
    const assignee = await resolveDataReferences(tx, config.team.id, [{ path: 'data', check }], input.assignedTo);

    const status = input.status ?? 'OPEN';
    const now = new Date();
    const row = await repo.insertTask(tx, {
      id: randomUUID(),
      team_id: config.team.id,
      process_id: process.id,
      record_id: process.record_id,
      state_task_id: stateTask.id,
      task_type_id: stateTask.taskTypeId,
      title: input.title ?? null,
      description: input.description ?? null,
      status,
      assigned_to: assignee ?? null,
      created_by: null,
      due_by: times.dueBy,
      starts_at: times.startsAt,
      ends_at: times.endsAt,
      completed_at: status === 'COMPLETED' ? now : null,
      cancelled_at: status === 'CANCELLED' ? now : null,
      data: Object.fromEntries(Object.entries(check.values).filter(([, v]) => v !== null)),
    });
    const view = toView(row);
    // A task created COMPLETED or CANCELLED (a logged call) is both created and closed.
    const summary = { taskId: row.id, stateTask: stateTask.shortId, title: row.title, status };
    const entry = (kind: HistoryEntry['kind']) => ({ procedureId: procedure.id, processId: process.id, kind, changes: summary });
    const closed = status === 'COMPLETED' ? [entry('task_completed')] : status === 'CANCELLED' ? [entry('task_cancelled')] : [];
    await writeHistory(tx, config.team.id, actor, [entry('task_created'), ...closed]);
    if (config.webhookEvents.has('task.created')) {
      await writePlatformEvent(tx, config.team.id, 'task.created', process.id, platformBody('task.created', view));
    }
    return view;
  });
}
