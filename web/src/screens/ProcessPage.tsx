/**
 * One process (`/p/:ps/:id`): a header (its identifier and primary key, status, Delete), the state
 * bar, the details form (assignee, next action, every attribute), the linked record, its tasks
 * and its history. Everything goes through the client; every refusal shows the API's sentence,
 * under the field it names when it names one. Live: the stream's events for this process refetch
 * the page's queries (web/src/live.ts), so a change made anywhere shows within a second.
 */
import type { Process } from '@chakra-server/sdk';
import { Badge, Box, Button, Group, Loader, Modal, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { client } from '../api.ts';
import { processPageKey } from '../live.ts';
import { useCan, useSession } from '../session.ts';
import { AttributeField, type Draft, sameDraft, toDraft, toValue } from './attribute-fields.tsx';
import { formatValue } from './columns.ts';
import { ProcessHistory } from './ProcessHistory.tsx';
import { ProcessTasks } from './ProcessTasks.tsx';
import { STATUS_COLOR } from './TaskActions.tsx';
import { type ProcedureInfo, userName, useUsers } from './procedure.ts';
import { attributeOf, type Refusal, refusalOf, useFocusOnRefusal } from './refusals.ts';
import { ProblemAlert, RefusalAlert } from '../ProblemAlert.tsx';
import { BackLink } from './BackLink.tsx';
import { ProcedureGate } from './ProcedureGate.tsx';

export default function ProcessPage({ ps, id }: { ps: string; id: string }) {
  // Asked for here, beside the configuration the gate waits for, not after it.
  const process = useQuery({
    queryKey: processPageKey(id, 'process'),
    queryFn: ({ signal }) => client.processes.get(ps, id, { signal }),
  });
  return (
    <ProcedureGate ps={ps}>
      {(info) => {
        if (process.isPending) return <Loader aria-label="Loading the process" />;
        if (process.isError) {
          return (
            <Stack gap="sm" align="flex-start">
              <ProblemAlert error={process.error} title="This process cannot be shown" />
              <BackLink ps={ps} name={info.procedure.name} />
            </Stack>
          );
        }
        return <Page ps={info.procedure.shortId} info={info} process={process.data} />;
      }}
    </ProcedureGate>
  );
}

/** How a process is named: its primary identifier, else its primary key, else its id. */
function labelOf(info: ProcedureInfo, process: Process): string {
  const data = process.data as Record<string, unknown>;
  const identifier = info.primaryIdentifier ? data[info.primaryIdentifier.shortId] : undefined;
  const key = info.primaryKey ? data[info.primaryKey.shortId] : undefined;
  return formatValue(identifier, 'string') || formatValue(key, 'string') || process.id;
}

function Page({ ps, info, process }: { ps: string; info: ProcedureInfo; process: Process }) {
  const label = labelOf(info, process);
  const key = info.primaryKey ? formatValue((process.data as Record<string, unknown>)[info.primaryKey.shortId], 'string') : '';
  return (
    <Stack gap="md" maw={1400}>
      <BackLink ps={ps} name={info.procedure.name} />
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Box miw={0}>
          <Group gap="sm" wrap="wrap">
            <Title order={1} size="h3" style={{ overflowWrap: 'anywhere' }}>
              {label}
            </Title>
            <Badge variant="outline" color={STATUS_COLOR[process.status] ?? 'gray.7'}>
              {process.status}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {info.procedure.name}
            {key && key !== label ? ` · ${info.primaryKey?.name}: ${key}` : ''}
          </Text>
        </Box>
        <DeleteProcess ps={ps} process={process} label={label} />
      </Group>
      <StateBar ps={ps} info={info} process={process} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <DetailsForm ps={ps} info={info} process={process} />
        <Stack gap="md">
          <LinkedRecord info={info} process={process} />
          <ProcessTasks ps={ps} info={info} process={process} />
          <ProcessHistory ps={ps} info={info} processId={process.id} />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}

function StateBar({ ps, info, process }: { ps: string; info: ProcedureInfo; process: Process }) {
  const queryClient = useQueryClient();
  const move = useMutation({
    mutationFn: (state: string) => client.processes.update(ps, process.id, { state }),
    onSuccess: (updated) => {
      queryClient.setQueryData(processPageKey(process.id, 'process'), updated);
      void queryClient.invalidateQueries({ queryKey: processPageKey(process.id, 'history') });
    },
  });
  return (
    <Stack gap={4}>
      <Box component="nav" aria-label="State">
        <Group gap={4} wrap="wrap" role="list">
          {info.states.map((s) => {
            const current = s.shortId === process.state;
            return (
              <Box role="listitem" key={s.id}>
                <Button
                  size="xs"
                  radius="xl"
                  variant={current ? 'filled' : 'default'}
                  aria-current={current ? 'step' : undefined}
                  loading={move.isPending && move.variables === s.shortId}
                  onClick={() => (current ? undefined : move.mutate(s.shortId))}
                  title={current ? `${s.name}: the current state` : `Move to ${s.name}`}
                >
                  {s.name}
                </Button>
              </Box>
            );
          })}
        </Group>
      </Box>
      <ProblemAlert error={move.error} withCloseButton onClose={() => move.reset()} closeButtonLabel="Dismiss" />
    </Stack>
  );
}

/** The form's fields besides the attributes, keyed as the API names them in a refusal. */
const ASSIGNEE = 'assignedTo';
const NEXT_ACTION = 'nextActionAt';

function DetailsForm({ ps, info, process }: { ps: string; info: ProcedureInfo; process: Process }) {
  const queryClient = useQueryClient();
  const users = useUsers();
  // Only what the person changed is held here; every other field shows the process as it is now
  // (so a change made elsewhere shows at once in the fields nobody is editing).
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusOnRefusal(form, refusal);
  const data = process.data as Record<string, unknown>;
  const typeOf = new Map(info.attributes.map((a) => [a.shortId, a.type]));
  const initial = (key: string): Draft =>
    key === ASSIGNEE
      ? (process.assignedTo ?? '')
      : key === NEXT_ACTION
        ? toDraft('datetime', process.nextActionAt)
        : toDraft(typeOf.get(key) ?? 'string', data[key]);
  const value = (key: string) => (key in drafts ? drafts[key] : initial(key));
  const changed = Object.keys(drafts).filter((k) => !sameDraft(drafts[k], initial(k)));
  const edit = (key: string) => (draft: Draft) => {
    setSaved(false);
    setDrafts((d) => ({ ...d, [key]: draft }));
    if (refusal?.fields[key]) setRefusal({ ...refusal, fields: { ...refusal.fields, [key]: '' } });
  };
  const shortIds = new Set(info.attributes.map((a) => a.shortId));

  const save = useMutation({
    mutationFn: (body: Parameters<typeof client.processes.update>[2]) => client.processes.update(ps, process.id, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(processPageKey(process.id, 'process'), updated);
      void queryClient.invalidateQueries({ queryKey: processPageKey(process.id, 'history') });
      setDrafts({});
      setRefusal(null);
      setSaved(true);
    },
    onError: (error) =>
      setRefusal(refusalOf(error, (path) => (path === ASSIGNEE || path === NEXT_ACTION ? path : attributeOf(path, shortIds)))),
  });

  const submit = () => {
    const body: { data?: Record<string, unknown>; assignedTo?: string | null; nextActionAt?: number | null } = {};
    const local: Record<string, string> = {};
    for (const key of changed) {
      const draft = drafts[key];
      if (key === ASSIGNEE) body.assignedTo = draft ? String(draft) : null;
      else if (key === NEXT_ACTION) {
        const converted = toValue('datetime', draft);
        body.nextActionAt = 'value' in converted ? (converted.value as number | null) : null;
      } else {
        const converted = toValue(typeOf.get(key) ?? 'string', draft);
        if ('invalid' in converted) local[key] = converted.invalid;
        else body.data = { ...body.data, [key]: converted.value };
      }
    }
    if (Object.keys(local).length) return setRefusal({ fields: local, other: [] });
    save.mutate(body);
  };

  const known = (users.data ?? []).filter((u) => u.isActive || u.id === process.assignedTo);
  const userChoices = [
    { value: '', label: 'Unassigned' },
    ...known.map((u) => ({ value: u.id, label: userName(u) })),
    // An assignee the list does not hold (a role without user:read gets no list) still shows, by id.
    ...(process.assignedTo && !known.some((u) => u.id === process.assignedTo)
      ? [{ value: process.assignedTo, label: process.assignedTo }]
      : []),
  ];
  return (
    <Paper withBorder p="md" radius="sm" component="section" aria-labelledby="details-title">
      <form
        ref={form}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="details-title">
            Details
          </Title>
          <RefusalAlert refusal={refusal} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NativeSelect
              label="Assignee"
              value={String(value(ASSIGNEE) ?? '')}
              onChange={(e) => edit(ASSIGNEE)(e.currentTarget.value)}
              data={userChoices}
              error={refusal?.fields[ASSIGNEE] || undefined}
            />
            <TextInput
              label="Next action"
              type="datetime-local"
              value={String(value(NEXT_ACTION) ?? '')}
              onChange={(e) => edit(NEXT_ACTION)(e.currentTarget.value)}
              error={refusal?.fields[NEXT_ACTION] || undefined}
            />
          </SimpleGrid>
          {info.attributes.map((a) => (
            <AttributeField
              key={a.id}
              attribute={a}
              draft={value(a.shortId)}
              onChange={edit(a.shortId)}
              error={refusal?.fields[a.shortId] || undefined}
            />
          ))}
          <Group gap="sm">
            <Button type="submit" loading={save.isPending} disabled={!changed.length}>
              Save
            </Button>
            <Button
              variant="default"
              disabled={!Object.keys(drafts).length}
              onClick={() => {
                setDrafts({});
                setRefusal(null);
              }}
            >
              Discard changes
            </Button>
            <Text size="sm" c="dimmed" role="status">
              {save.isPending
                ? 'Saving…'
                : refusal
                  ? 'Not saved.'
                  : changed.length
                    ? `${changed.length} unsaved change${changed.length === 1 ? '' : 's'}`
                    : saved
                      ? 'Saved.'
                      : ''}
            </Text>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function LinkedRecord({ info, process }: { info: ProcedureInfo; process: Process }) {
  const record = process.record as { data?: Record<string, unknown> } | null;
  if (!record) return null;
  const values = record.data ?? {};
  const known = info.recordAttributes.filter((a) => values[a.shortId] !== undefined);
  const others = Object.keys(values).filter((k) => !info.recordAttributes.some((a) => a.shortId === k));
  return (
    <Paper withBorder p="md" radius="sm" component="section" aria-labelledby="record-title">
      <Title order={2} size="h4" id="record-title" mb="xs">
        {info.entity?.name ?? 'Linked'} record
      </Title>
      {known.length + others.length === 0 ? (
        <Text size="sm" c="dimmed">
          The record holds no data yet.
        </Text>
      ) : (
        <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'minmax(90px, max-content) 1fr', gap: '4px 16px' }}>
          {known.map((a) => (
            <RecordValue key={a.shortId} name={a.name || a.shortId} text={formatValue(values[a.shortId], a.type)} />
          ))}
          {others.map((k) => (
            <RecordValue key={k} name={k} text={formatValue(values[k], 'json')} />
          ))}
        </Box>
      )}
    </Paper>
  );
}

function RecordValue({ name, text }: { name: string; text: string }) {
  return (
    <>
      <Text component="dt" size="sm" c="dimmed">
        {name}
      </Text>
      <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere' }}>
        {text}
      </Text>
    </>
  );
}

function DeleteProcess({ ps, process, label }: { ps: string; process: Process; label: string }) {
  const session = useSession();
  const reasonId = useId();
  const [opened, { open, close }] = useDisclosure();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const user = session.data?.user;
  const allowed = useCan('process:delete');
  const remove = useMutation({
    mutationFn: () => client.processes.delete(ps, process.id),
    onSuccess: () => {
      close();
      navigate(`/p/${encodeURIComponent(ps)}`);
      queryClient.removeQueries({ queryKey: processPageKey(process.id) });
    },
  });
  return (
    <Stack gap={2} align="flex-end" maw={320}>
      <Button color="red" variant="light" disabled={!allowed} aria-describedby={allowed ? undefined : reasonId} onClick={open}>
        Delete
      </Button>
      {allowed ? null : (
        <Text id={reasonId} size="xs" c="dimmed" ta="right">
          Your role ({user?.role}) cannot delete processes: it lacks the privilege process:delete.
        </Text>
      )}
      <Modal opened={opened} onClose={close} title={`Delete ${label}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
        <Stack gap="sm">
          <Text size="sm">It leaves every list and its primary key becomes free; its history is kept.</Text>
          <ProblemAlert error={remove.error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
