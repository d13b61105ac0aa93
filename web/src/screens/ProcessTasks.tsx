/**
 * A process's tasks (`client.tasks.list({process})`, due first) with Complete and Cancel on the
 * open ones, and a new task from the procedure's state tasks that the current state allows (a
 * state task bound to states is offered only in those; docs/api.md#tasks).
 */
import type { Process } from '@chakra-server/sdk';
import { Badge, Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client } from '../api.ts';
import { processPageKey } from '../live.ts';
import { formatValue } from './columns.ts';
import { type ProcedureInfo, userName, useUsers } from './procedure.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { STATUS_COLOR, TaskActions, type TaskOutcome } from './TaskActions.tsx';

const ALL_STATUSES = 'OPEN,COMPLETED,CANCELLED';

export function ProcessTasks({ ps, info, process }: { ps: string; info: ProcedureInfo; process: Process }) {
  const queryClient = useQueryClient();
  const users = useUsers();
  const tasks = useQuery({
    queryKey: processPageKey(process.id, 'tasks'),
    queryFn: ({ signal }) => client.tasks.list({ process: process.id, status: ALL_STATUSES, limit: 100 }, { signal }),
  });
  const stateId = info.states.find((s) => s.shortId === process.state)?.id;
  const allowed = info.stateTasks.filter((t) => t.states.length === 0 || (stateId !== undefined && t.states.includes(stateId)));
  const [chosen, setChosen] = useState('');
  const [title, setTitle] = useState('');
  const stateTask = allowed.some((t) => t.shortId === chosen) ? chosen : (allowed[0]?.shortId ?? '');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: processPageKey(process.id, 'tasks') });
    void queryClient.invalidateQueries({ queryKey: processPageKey(process.id, 'history') });
  };
  const create = useMutation({
    mutationFn: () => client.tasks.create(ps, process.id, stateTask, title.trim() ? { title: title.trim() } : {}),
    onSuccess: () => {
      setTitle('');
      refresh();
    },
  });
  const change = useMutation({
    mutationFn: ({ taskId, status }: { taskId: string; status: TaskOutcome }) => client.tasks.update(taskId, { status }),
    onSuccess: refresh,
  });
  const nameOf = new Map(info.stateTasks.map((t) => [t.id, t.name]));
  const userById = new Map((users.data ?? []).map((u) => [u.id, userName(u)]));
  const list = tasks.data?.data ?? [];
  return (
    <Paper withBorder p="md" radius="sm" component="section" aria-labelledby="tasks-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="tasks-title">
          Tasks
        </Title>
        <ProblemAlert error={tasks.error} />
        <ProblemAlert error={change.error} withCloseButton onClose={() => change.reset()} closeButtonLabel="Dismiss" />
        {tasks.isPending ? (
          <Text size="sm" c="dimmed">
            Loading tasks…
          </Text>
        ) : list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No tasks yet.
          </Text>
        ) : (
          <Stack component="ul" gap="xs" p={0} m={0} aria-label="Tasks of this process" style={{ listStyle: 'none' }}>
            {list.map((task) => {
              const name = task.title || nameOf.get(task.stateTask) || 'Task';
              const when = task.completedAt ?? task.cancelledAt ?? task.dueBy;
              return (
                <Group component="li" key={task.id} justify="space-between" wrap="wrap" gap="xs">
                  <div style={{ minWidth: 0 }}>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                        {name}
                      </Text>
                      <Badge size="sm" variant="outline" color={STATUS_COLOR[task.status] ?? 'gray.7'}>
                        {task.status}
                      </Badge>
                    </Group>
                    <Text size="xs" c="dimmed">
                      {task.title && nameOf.get(task.stateTask) ? `${nameOf.get(task.stateTask)} · ` : ''}
                      {task.status === 'COMPLETED' ? 'completed ' : task.status === 'CANCELLED' ? 'cancelled ' : when ? 'due ' : ''}
                      {when ? formatValue(when, 'datetime') : ''}
                      {task.assignedTo ? ` · ${userById.get(task.assignedTo) ?? 'someone'}` : ''}
                    </Text>
                  </div>
                  {task.status === 'OPEN' ? (
                    <Group gap={4}>
                      <TaskActions
                        name={name}
                        pending={change.isPending && change.variables?.taskId === task.id ? change.variables.status : undefined}
                        onChange={(status) => change.mutate({ taskId: task.id, status })}
                      />
                    </Group>
                  ) : null}
                </Group>
              );
            })}
          </Stack>
        )}
        {allowed.length ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Group gap="xs" align="flex-end" wrap="wrap">
              <NativeSelect
                label="New task"
                value={stateTask}
                onChange={(e) => setChosen(e.currentTarget.value)}
                data={allowed.map((t) => ({ value: t.shortId, label: t.name }))}
              />
              <TextInput
                label="Title (optional)"
                value={title}
                onChange={(e) => setTitle(e.currentTarget.value)}
                style={{ flex: 1, minWidth: 140 }}
              />
              <Button type="submit" variant="light" loading={create.isPending}>
                Create task
              </Button>
            </Group>
          </form>
        ) : (
          <Text size="sm" c="dimmed">
            No task can be created in this state.
          </Text>
        )}
        <ProblemAlert error={create.error} />
      </Stack>
    </Paper>
  );
}
