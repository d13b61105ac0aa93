/**
 * My tasks (`/tasks`): the tasks assigned to the signed-in user across processes, due first and
 * undated last (`GET /v1/ext/tasks?assignedTo=me`, keyset pages), each linked to its process;
 * open ones can be completed or cancelled here. Overdue ones say so.
 */
import { Anchor, Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ListPage } from '@chakra-server/sdk';
import { useMediaQuery } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../api.ts';
import { formatValue } from './columns.ts';
import { useTeamConfig } from './Shell.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { STATUS_COLOR, TaskActions, type TaskOutcome } from './TaskActions.tsx';

type Task = ListPage<'listTasks'>['data'][number];

const STATUSES = [
  { value: 'OPEN', label: 'Open' },
  { value: 'COMPLETED', label: 'Completed' },
  { value: 'CANCELLED', label: 'Cancelled' },
];

export default function MyTasks() {
  const [status, setStatus] = useState('OPEN');
  const config = useTeamConfig();
  const queryClient = useQueryClient();
  const tasks = useInfiniteQuery({
    queryKey: ['tasks', 'me', status],
    queryFn: ({ pageParam, signal }) =>
      client.tasks.list({ assignedTo: 'me', status, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.meta.hasMore ? (last.meta.nextCursor ?? undefined) : undefined),
  });
  const rows = useMemo(() => tasks.data?.pages.flatMap((p) => p.data) ?? [], [tasks.data]);
  const change = useMutation({
    mutationFn: ({ task, to }: { task: Task; to: TaskOutcome }) => client.tasks.update(task.id, { status: to }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tasks'] }),
  });
  const stateTaskName = (id: string) => config.data?.stateTasks.find((t) => t.id === id)?.name ?? 'Task';
  const procedureName = (shortId: string | null) => config.data?.procedures.find((p) => p.shortId === shortId)?.name ?? shortId ?? '';
  const now = Date.now();
  const phone = useMediaQuery('(max-width: 40em)');
  /** What a task shows, the same in the table and in the cards of a phone. */
  const partsOf = (task: Task) => {
    const overdue = task.status === 'OPEN' && task.dueBy !== null && task.dueBy < now;
    const title = task.title || stateTaskName(task.stateTask);
    return {
      title,
      process: task.procedure ? (
        <Anchor component={Link} href={`/p/${encodeURIComponent(task.procedure)}/${task.process}`}>
          {procedureName(task.procedure)}: {task.processLabel ?? task.process}
        </Anchor>
      ) : (
        task.process
      ),
      due:
        task.dueBy === null ? (
          <Text span c="dimmed" size="sm">
            no date
          </Text>
        ) : (
          <Text span size="sm" c={overdue ? 'red.9' : undefined} fw={overdue ? 600 : undefined}>
            {formatValue(task.dueBy, 'datetime')}
            {overdue ? ' (overdue)' : ''}
          </Text>
        ),
      status: (
        <Badge variant="outline" color={STATUS_COLOR[task.status] ?? 'gray.7'}>
          {task.status}
        </Badge>
      ),
      actions:
        task.status === 'OPEN' ? (
          <TaskActions
            name={`${title}: ${task.processLabel ?? task.process}`}
            pending={change.isPending && change.variables?.task.id === task.id ? change.variables.to : undefined}
            onChange={(to) => change.mutate({ task, to })}
          />
        ) : null,
    };
  };
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h3">
          My tasks
        </Title>
        <SegmentedControl aria-label="Show tasks" value={status} onChange={setStatus} data={STATUSES} />
      </Group>
      <ProblemAlert error={tasks.error ?? change.error} />
      {tasks.isPending ? <Loader aria-label="Loading tasks" /> : null}
      {tasks.data && rows.length === 0 ? (
        <Text role="status" c="dimmed">
          {status === 'OPEN' ? 'Nothing to do: no open task is assigned to you.' : 'None.'}
        </Text>
      ) : null}
      {rows.length && phone ? (
        <Stack gap="xs" role="list" aria-label="My tasks">
          {rows.map((task) => {
            const parts = partsOf(task);
            return (
              <Paper key={task.id} withBorder p="sm" role="listitem">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Title order={2} size="h6">
                    {parts.title}
                  </Title>
                  {parts.status}
                </Group>
                <Text size="sm">{parts.process}</Text>
                <Text size="sm">{parts.due}</Text>
                {parts.actions ? (
                  <Group mt={6} gap="xs">
                    {parts.actions}
                  </Group>
                ) : null}
              </Paper>
            );
          })}
        </Stack>
      ) : rows.length ? (
        <Paper withBorder style={{ overflowX: 'auto' }}>
          <Table aria-label="My tasks" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Task</Table.Th>
                <Table.Th>Process</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((task) => {
                const parts = partsOf(task);
                return (
                  <Table.Tr key={task.id}>
                    <Table.Td>{parts.title}</Table.Td>
                    <Table.Td>{parts.process}</Table.Td>
                    <Table.Td>{parts.due}</Table.Td>
                    <Table.Td>{parts.status}</Table.Td>
                    <Table.Td>
                      {parts.actions ? (
                        <Group gap={4} wrap="nowrap">
                          {parts.actions}
                        </Group>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Paper>
      ) : null}
      {tasks.hasNextPage ? (
        <Button variant="default" onClick={() => tasks.fetchNextPage()} loading={tasks.isFetchingNextPage}>
          Show more
        </Button>
      ) : null}
    </Stack>
  );
}
