/**
 * Users (`/users`, for admins): the team's users with their roles, and a sign-in link for any
 * of them — how a user who forgot their password gets back in (docs/console.md#sign-in). The
 * link is shown once, to be handed over; it works once, within 24 hours, and voids older ones.
 */
import { Alert, Button, CopyButton, Group, Loader, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { client } from '../api.ts';
import { useCan } from '../session.ts';
import { userName, useUsers } from './procedure.ts';
import { useTeamConfig } from './Shell.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

export default function Users() {
  const admin = useCan('admin');
  const config = useTeamConfig();
  const users = useUsers();
  const link = useMutation({ mutationFn: (username: string) => client.users.signInLink(username) });
  if (!admin) {
    return (
      <Alert color="yellow" role="alert" title="Admins only">
        Your role cannot manage users.
      </Alert>
    );
  }
  const roleName = (id: string | null | undefined) => config.data?.roles.find((r) => r.id === id || r.shortId === id)?.name ?? id ?? '';
  return (
    <Stack gap="sm">
      <Title order={1} size="h3">
        Users
      </Title>
      <Text size="sm" c="dimmed">
        Users and their roles come from the team's workspace. A sign-in link lets a user choose a new password, for a first sign-in or a
        forgotten one.
      </Text>
      <ProblemAlert error={users.error ?? link.error} />
      {users.isPending ? <Loader aria-label="Loading users" /> : null}
      {users.data ? (
        <Paper withBorder style={{ overflowX: 'auto' }}>
          <Table aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Username</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Sign-in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{userName(u)}</Table.Td>
                  <Table.Td>{u.username}</Table.Td>
                  <Table.Td>{roleName(u.role)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={`Sign-in link for ${userName(u)}`}
                      loading={link.isPending && link.variables === u.username}
                      onClick={() => link.mutate(u.username)}
                    >
                      Sign-in link
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      ) : null}
      <Modal opened={Boolean(link.data)} onClose={() => link.reset()} title="Sign-in link" closeButtonProps={{ 'aria-label': 'Close' }}>
        {link.data ? (
          <Stack gap="sm">
            <Text size="sm">
              Give this link to {link.data.user}. It works once, until {new Date(link.data.expiresAt).toLocaleString()}; earlier links of
              theirs no longer work.
            </Text>
            <TextInput label="Link" readOnly value={link.data.url} onFocus={(e) => e.currentTarget.select()} />
            <Group justify="flex-end">
              <CopyButton value={link.data.url}>
                {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy link'}</Button>}
              </CopyButton>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
