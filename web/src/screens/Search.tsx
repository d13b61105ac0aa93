/**
 * Search (`/search?q=…`): the processes of every procedure whose primary key is the text typed,
 * or whose phone — the process's own phone attributes or its record's — is that number. One
 * list call per procedure with an `or` of equalities, each served by an index; phone numbers are
 * compared as the server keeps them (digits with country code: `+91 98000-00001` finds 919800000001).
 */
import { Anchor, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Process, ResponseData } from '@chakra-server/sdk';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearch } from 'wouter';
import { client } from '../api.ts';
import { formatValue } from './columns.ts';
import { useTeamConfig } from './Shell.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

type Config = ResponseData<'getConfig'>;
type Procedure = Config['procedures'][number];

const LIMIT = 20;

/** The `where` finding a procedure's processes by primary key or phone; null when the procedure has neither. */
function searchWhere(config: Config, procedure: Procedure, text: string): Record<string, unknown> | null {
  const byId = new Map(config.attributes.map((a) => [a.id, a]));
  const digits = text.replace(/[\s().+-]/g, '');
  const phone = /^\d{7,15}$/.test(digits) ? digits : null;
  const conditions: Record<string, unknown>[] = [];
  const pk = procedure.primaryKey ? byId.get(procedure.primaryKey) : undefined;
  if (pk) {
    // A numeric key compared with words would be a 400 for the whole search: those are left out.
    const numeric = /integer|float|number|decimal/i.test(pk.type);
    if (!numeric) conditions.push({ [pk.shortId]: text });
    else if (text !== '' && Number.isFinite(Number(text))) conditions.push({ [pk.shortId]: Number(text) });
  }
  if (phone) {
    for (const id of procedure.attributes) {
      const a = byId.get(id);
      if (a?.type === 'phone') conditions.push({ [a.shortId]: phone });
    }
    const entity = config.entities.find((e) => e.id === procedure.entity);
    for (const id of entity?.attributes ?? []) {
      const a = byId.get(id);
      if (a?.type === 'phone') conditions.push({ [`record.${a.shortId}`]: phone });
    }
  }
  return conditions.length ? { or: conditions } : null;
}

export default function SearchScreen() {
  const text = new URLSearchParams(useSearch()).get('q')?.trim() ?? '';
  const config = useTeamConfig();
  const results = useQuery({
    queryKey: ['search', text],
    enabled: Boolean(config.data && text),
    queryFn: async ({ signal }) => {
      const data = config.data!;
      const found = await Promise.all(
        data.procedures.map(async (procedure) => {
          const where = searchWhere(data, procedure, text);
          if (!where) return { procedure, rows: [] as Process[] };
          const page = await client.processes.list(procedure.shortId, { where, limit: LIMIT }, { signal });
          return { procedure, rows: page.data };
        }),
      );
      return found.filter((f) => f.rows.length);
    },
  });
  return (
    <Stack gap="sm">
      <Title order={1} size="h3">
        Search: “{text}”
      </Title>
      <ProblemAlert error={results.error} />
      {results.isPending && text ? <Loader aria-label="Searching" /> : null}
      {results.data && results.data.length === 0 ? <Text role="status">No process has “{text}” as its primary key or phone.</Text> : null}
      {results.data?.map(({ procedure, rows }) => (
        <Paper key={procedure.id} withBorder p="sm">
          <Title order={2} size="h5" mb="xs">
            {procedure.name}
          </Title>
          <Table aria-label={`${procedure.name} found`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Process</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/p/${encodeURIComponent(procedure.shortId)}/${row.id}`}>
                      {labelOf(config.data!, procedure, row)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{procedure.states.find((s) => s.shortId === row.state)?.name ?? row.state}</Table.Td>
                  <Table.Td>{formatValue(row.createdAt, 'datetime')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      ))}
    </Stack>
  );
}

/** A process's name for people: its primary identifier, primary key, or id. */
function labelOf(config: Config, procedure: Procedure, row: Process): string {
  const name = (id: string | null) => config.attributes.find((a) => a.id === id)?.shortId;
  const data = (row.data ?? {}) as Record<string, unknown>;
  const identifier = name(procedure.primaryIdentifier);
  const key = name(procedure.primaryKey);
  const parts = [identifier && data[identifier], key && data[key]].filter((v) => v !== undefined && v !== null && v !== '');
  return parts.length ? parts.map(String).join(' · ') : row.id;
}
