/**
 * A process's history (docs/console.md#history), newest first, 20 entries a page by keyset
 * cursor ("Show older"): what changed (attribute changes old → new by the attribute's name, state
 * and status moves, assignee, tasks), who (a user by name, an API key as "API key <name>") and when.
 */
import type { ProcessHistoryEntry } from '@chakra-server/sdk';
import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { client } from '../api.ts';
import { processPageKey } from '../live.ts';
import { formatValue } from './columns.ts';
import { type ProcedureInfo, userName, useUsers } from './procedure.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';

const PAGE = 20;

interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

const KIND_TEXT: Record<string, string> = {
  task_created: 'Task created',
  task_completed: 'Task completed',
  task_cancelled: 'Task cancelled',
};

export function ProcessHistory({ ps, info, processId }: { ps: string; info: ProcedureInfo; processId: string }) {
  const users = useUsers();
  const history = useInfiniteQuery({
    queryKey: processPageKey(processId, 'history'),
    queryFn: ({ pageParam, signal }) =>
      client.processes.history(ps, processId, { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.meta.hasMore ? (last.meta.nextCursor ?? undefined) : undefined),
  });
  const entries = history.data?.pages.flatMap((p) => p.data) ?? [];
  const userById = new Map((users.data ?? []).map((u) => [u.id, userName(u)]));
  const stateName = new Map(info.states.map((s) => [s.shortId, s.name]));
  const taskName = new Map(info.stateTasks.map((t) => [t.shortId, t.name]));
  const attribute = new Map(info.attributes.map((a) => [a.shortId, a]));

  const fieldName = (field: string) =>
    field === 'state'
      ? 'State'
      : field === 'status'
        ? 'Status'
        : field === 'assignedTo'
          ? 'Assignee'
          : field === 'nextActionAt'
            ? 'Next action'
            : attribute.get(field)?.name || field;
  const show = (field: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return '—';
    if (field === 'state') return stateName.get(String(value)) ?? String(value);
    if (field === 'assignedTo') return userById.get(String(value)) ?? String(value);
    if (field === 'nextActionAt') return formatValue(value, 'datetime');
    return formatValue(value, attribute.get(field)?.type ?? 'json') || '—';
  };

  /** The entry's headline, and one line per changed field (keyed by the field). */
  const describe = (entry: ProcessHistoryEntry): { title: string; lines: { field: string; text: string }[] } => {
    const changes = entry.changes as unknown;
    if (entry.kind === 'created') {
      const start = changes as { state?: string; status?: string } | null;
      return { title: `Created${start?.state ? ` in ${stateName.get(start.state) ?? start.state}` : ''}`, lines: [] };
    }
    if (entry.kind in KIND_TEXT) {
      const task = changes as { title?: string | null; stateTask?: string } | null;
      const name = task?.title || (task?.stateTask ? (taskName.get(task.stateTask) ?? task.stateTask) : '');
      return { title: `${KIND_TEXT[entry.kind]}${name ? `: ${name}` : ''}`, lines: [] };
    }
    const lines = Array.isArray(changes)
      ? (changes as FieldChange[]).map((c) => ({
          field: c.field,
          text: `${fieldName(c.field)}: ${show(c.field, c.old)} → ${show(c.field, c.new)}`,
        }))
      : [];
    if (entry.kind === 'deleted') return { title: 'Deleted', lines };
    const [first, ...rest] = lines;
    return first ? { title: first.text, lines: rest } : { title: entry.kind, lines: [] };
  };
  const who = (actor: ProcessHistoryEntry['actor']) =>
    actor.type === 'key' ? `API key ${actor.name}` : actor.type === 'system' ? 'the system' : actor.name;

  return (
    <Paper withBorder p="md" radius="sm" component="section" aria-labelledby="history-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="history-title">
          History
        </Title>
        <ProblemAlert error={history.error} />
        {history.isPending ? (
          <Text size="sm" c="dimmed">
            Loading history…
          </Text>
        ) : (
          <Stack component="ol" gap="xs" p={0} m={0} aria-label="History, newest first" style={{ listStyle: 'none' }}>
            {entries.map((entry) => {
              const { title, lines } = describe(entry);
              return (
                <li key={entry.id} style={{ borderLeft: '2px solid var(--mantine-color-gray-3)', paddingLeft: 10 }}>
                  <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                    {title}
                  </Text>
                  {lines.map((line) => (
                    <Text key={line.field} size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {line.text}
                    </Text>
                  ))}
                  <Text size="xs" c="dimmed">
                    {who(entry.actor)} · <time dateTime={entry.at}>{formatValue(Date.parse(entry.at), 'datetime')}</time>
                  </Text>
                </li>
              );
            })}
          </Stack>
        )}
        {history.hasNextPage ? (
          <Button variant="subtle" size="xs" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
            Show older
          </Button>
        ) : null}
      </Stack>
    </Paper>
  );
}
