/**
 * A new process (`/p/:ps/new`): the procedure's attributes, the same inputs as the process page,
 * and the linked record's primary key (the customer's phone number for a lead), which links the
 * process to that record or makes a new one (docs/api.md#processes). Only filled fields are sent;
 * the API checks them and its refusals show under the fields they name. On success, the new
 * process's page.
 */
import { Button, Group, Paper, Stack, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { client } from '../api.ts';
import { AttributeField, type Draft, toDraft, toValue } from './attribute-fields.tsx';
import type { ProcedureInfo } from './procedure.ts';
import { BackLink } from './BackLink.tsx';
import { ProcedureGate } from './ProcedureGate.tsx';
import { RefusalAlert } from '../ProblemAlert.tsx';
import { attributeOf, type Refusal, refusalOf, useFocusOnRefusal } from './refusals.ts';

/** The form key of the record's primary key (attribute keys are shortIds, which have no colon). */
const RECORD_KEY = 'record:key';

export default function CreateProcess({ ps }: { ps: string }) {
  return <ProcedureGate ps={ps}>{(info) => <CreateForm info={info} />}</ProcedureGate>;
}

function CreateForm({ info }: { info: ProcedureInfo }) {
  const ps = info.procedure.shortId;
  const [, navigate] = useLocation();
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const recordKey = info.recordPrimaryKey;
  const form = useRef<HTMLFormElement>(null);
  useFocusOnRefusal(form, refusal);
  const shortIds = new Set(info.attributes.map((a) => a.shortId));
  const value = (key: string, type: string) => (key in drafts ? drafts[key] : toDraft(type, null));
  const edit = (key: string) => (draft: Draft) => {
    setDrafts((d) => ({ ...d, [key]: draft }));
    if (refusal?.fields[key]) setRefusal({ ...refusal, fields: { ...refusal.fields, [key]: '' } });
  };

  const create = useMutation({
    mutationFn: (body: Parameters<typeof client.processes.create>[1]) => client.processes.create(ps, body),
    onSuccess: (process) => navigate(`/p/${encodeURIComponent(ps)}/${process.id}`),
    onError: (error) =>
      setRefusal(
        refusalOf(error, (path) =>
          recordKey && attributeOf(path, new Set([recordKey.shortId]), 'record.data.') ? RECORD_KEY : attributeOf(path, shortIds),
        ),
      ),
  });

  const submit = () => {
    const data: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    for (const a of info.attributes) {
      if (!(a.shortId in drafts)) continue;
      const converted = toValue(a.type, drafts[a.shortId]);
      if ('invalid' in converted) local[a.shortId] = converted.invalid;
      // An empty field is left out, not sent as null: a new process has nothing to clear.
      else if (converted.value !== null) data[a.shortId] = converted.value;
    }
    if (Object.keys(local).length) return setRefusal({ fields: local, other: [] });
    const body: Parameters<typeof client.processes.create>[1] = { data };
    if (recordKey && RECORD_KEY in drafts) {
      const key = toValue(recordKey.type, drafts[RECORD_KEY]);
      if ('value' in key && key.value !== null) body.record = { data: { [recordKey.shortId]: key.value } };
    }
    create.mutate(body);
  };

  return (
    <Stack gap="md" maw={760}>
      <BackLink ps={ps} name={info.procedure.name} />
      <Title order={1} size="h3">
        New {info.procedure.name}
      </Title>
      <Paper withBorder p="md" radius="sm">
        <form
          ref={form}
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          noValidate
        >
          <Stack gap="sm">
            <RefusalAlert refusal={refusal} />
            {recordKey ? (
              <AttributeField
                attribute={recordKey}
                label={`${info.entity?.name ?? 'Record'}: ${recordKey.name || recordKey.shortId}`}
                draft={value(RECORD_KEY, recordKey.type)}
                onChange={edit(RECORD_KEY)}
                error={refusal?.fields[RECORD_KEY] || undefined}
              />
            ) : null}
            {info.attributes.map((a) => (
              <AttributeField
                key={a.id}
                attribute={a}
                draft={value(a.shortId, a.type)}
                onChange={edit(a.shortId)}
                error={refusal?.fields[a.shortId] || undefined}
              />
            ))}
            <Group gap="sm">
              <Button type="submit" loading={create.isPending}>
                Create {info.procedure.name}
              </Button>
              <Button variant="default" component={Link} href={`/p/${encodeURIComponent(ps)}`}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
