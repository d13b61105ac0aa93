/**
 * Saved views of a procedure (docs/console.md#views): pick one (its columns, sort and filter
 * apply), save the table as it is now under a name — for me, or for my team —, update or delete
 * the one that is open. The server decides who may share or change what; a refusal is shown.
 */
import { Button, Checkbox, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import type { SavedView } from '@chakra-server/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client } from '../api.ts';
import { useCan } from '../session.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';

/** What a view saves of the table as it is now. */
export interface CurrentSetup {
  columns: string[];
  sort: SavedView['sort'];
  where: SavedView['where'];
}

export function ViewsMenu(props: {
  ps: string;
  name: string;
  current: string | null;
  setup: CurrentSetup;
  onPick: (view: SavedView | null) => void;
}) {
  const { ps } = props;
  const queryClient = useQueryClient();
  const views = useQuery({ queryKey: ['views', ps], queryFn: () => client.views.list(ps) });
  const [saving, setSaving] = useState(false);
  const open = views.data?.find((v) => v.id === props.current) ?? null;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['views', ps] });
  const change = useMutation({
    mutationFn: (what: 'update' | 'delete') =>
      what === 'update' ? client.views.update(ps, open!.id, props.setup) : client.views.delete(ps, open!.id),
    onSuccess: (_, what) => {
      void refresh();
      if (what === 'delete') props.onPick(null);
    },
  });
  const mine = views.data?.filter((v) => !v.shared) ?? [];
  const team = views.data?.filter((v) => v.shared) ?? [];
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="sm" aria-label={`Views: ${open?.name ?? `All ${props.name}`}`}>
            {open ? open.name : 'Views'}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => props.onPick(null)}>All {props.name}</Menu.Item>
          {mine.length ? <Menu.Label>My views</Menu.Label> : null}
          {mine.map((v) => (
            <Menu.Item key={v.id} onClick={() => props.onPick(v)} aria-current={v.id === open?.id || undefined}>
              {v.name}
            </Menu.Item>
          ))}
          {team.length ? <Menu.Label>Team views</Menu.Label> : null}
          {team.map((v) => (
            <Menu.Item key={v.id} onClick={() => props.onPick(v)} aria-current={v.id === open?.id || undefined}>
              {v.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setSaving(true)}>Save as new view…</Menu.Item>
          {open ? (
            <>
              <Menu.Item onClick={() => change.mutate('update')}>Save changes to “{open.name}”</Menu.Item>
              <Menu.Item color="red" onClick={() => change.mutate('delete')}>
                Delete “{open.name}”
              </Menu.Item>
            </>
          ) : null}
        </Menu.Dropdown>
      </Menu>
      <ProblemAlert error={views.error} />
      <ProblemAlert error={change.error} withCloseButton onClose={() => change.reset()} closeButtonLabel="Dismiss" />
      {saving ? (
        <SaveViewDialog
          ps={ps}
          setup={props.setup}
          onClose={() => setSaving(false)}
          onSaved={(view) => {
            setSaving(false);
            void refresh();
            props.onPick(view);
          }}
        />
      ) : null}
    </>
  );
}

function SaveViewDialog(props: { ps: string; setup: CurrentSetup; onClose: () => void; onSaved: (view: SavedView) => void }) {
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const mayShare = useCan('process:write');
  const save = useMutation({
    mutationFn: () => client.views.create(props.ps, { name: name.trim(), shared, ...props.setup }),
    onSuccess: props.onSaved,
  });
  return (
    <Modal opened onClose={props.onClose} title="Save view" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput label="Name" required maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Checkbox
            label="Share with my team"
            description={mayShare ? 'Everyone in the team sees it.' : 'Your role cannot share views.'}
            disabled={!mayShare}
            checked={shared}
            onChange={(e) => setShared(e.currentTarget.checked)}
          />
          <ProblemAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save view
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
