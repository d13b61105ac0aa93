/**
 * One procedure's processes: a virtualised table (a list on phone-sized screens) over keyset
 * pages of 100 (`cursor` / `_meta.nextCursor`), never counted. Columns come from the
 * procedure's attributes; a person chooses, reorders and hides them (kept in localStorage) and
 * sorts by clicking a header (the API's `sort`).
 */
import { ActionIcon, Box, Button, Checkbox, Group, Paper, Popover, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { SavedView } from '@chakra-server/sdk';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { Link } from 'wouter';
import { client } from '../api.ts';
import { type Column, columnKeyOf, columnsFor, formatValue, useColumnChoices, viewColumnName } from './columns.ts';
import { useProcedureFilter } from './ProcessFilter.tsx';
import { type Sort, useTableSetup } from './table-setup.ts';
import { ViewsMenu } from './ViewsMenu.tsx';
import { ProcedureGate } from './ProcedureGate.tsx';
import { ProcedureViewSwitch } from './ProcedureViewSwitch.tsx';
import { ProblemAlert } from '../ProblemAlert.tsx';

const PAGE = 100;
const ROW_HEIGHT = 40;
const CARD_HEIGHT = 88;
const COLUMN_WIDTH = 190;

export default function ProcessTable({ ps }: { ps: string }) {
  return (
    <ProcedureGate ps={ps}>
      {(info) => <Processes ps={ps} name={info.procedure.name} columns={columnsFor(info.procedure, info.attributes)} />}
    </ProcedureGate>
  );
}

function Processes({ ps, name, columns }: { ps: string; name: string; columns: Column[] }) {
  const phone = useMediaQuery('(max-width: 40em)');
  const { choices, toggle, move, reset, showOnly } = useColumnChoices(ps, columns);
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const visible = choices.filter((c) => c.visible).map((c) => byKey.get(c.key)!);
  const [setup, changeSetup] = useTableSetup();
  const { sort, where } = setup;
  const filter = useProcedureFilter(ps, where, changeSetup);

  const query = useInfiniteQuery({
    queryKey: ['processes', ps, sort, where],
    queryFn: ({ pageParam, signal }) =>
      client.processes.list(
        ps,
        { limit: PAGE, ...(sort ? { sort } : {}), ...(where ? { where } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
        { signal },
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.meta.hasMore ? (last.meta.nextCursor ?? undefined) : undefined),
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.data) ?? [], [query.data]);

  const current = sort?.[0] ?? null;
  const nextSort = (field: string) =>
    changeSetup({
      sort: current?.field !== field ? [{ field, order: 'asc' }] : current.order === 'asc' ? [{ field, order: 'desc' }] : null,
    });
  const pickView = (view: SavedView | null) => {
    if (!view) {
      reset();
      changeSetup({ view: null, sort: null, where: null });
      return;
    }
    if (view.columns.length) showOnly(view.columns.map((c) => columnKeyOf(c, columns)));
    changeSetup({
      view: view.id,
      sort: view.sort?.map((s) => ({ field: s.field, order: s.order ?? 'asc' })) ?? null,
      where: view.where ?? null,
    });
  };

  return (
    <Stack gap="sm" h="calc(100dvh - 56px - 2 * var(--mantine-spacing-md))">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="sm" wrap="nowrap">
          <Title order={1} size="h3">
            {name}
          </Title>
          <ProcedureViewSwitch ps={ps} current="table" />
        </Group>
        <Group gap="xs">
          <Button component={Link} href={`/p/${encodeURIComponent(ps)}/new`} size="sm">
            New {name}
          </Button>
          {filter.button}
          <ViewsMenu
            ps={ps}
            name={name}
            current={setup.view}
            setup={{ columns: visible.map((c) => viewColumnName(c.key)), sort, where }}
            onPick={pickView}
          />
          <ColumnMenu columns={byKey} choices={choices} toggle={toggle} move={move} reset={reset} />
        </Group>
      </Group>
      {filter.panel}
      <ProblemAlert error={query.error} />
      {phone ? (
        <CardList ps={ps} name={name} rows={rows} columns={visible} query={query} />
      ) : (
        <Grid ps={ps} name={name} rows={rows} columns={visible} query={query} sort={current} onSort={nextSort} />
      )}
    </Stack>
  );
}

type PagesQuery = { hasNextPage: boolean; isFetchingNextPage: boolean; isPending: boolean; fetchNextPage: () => Promise<unknown> };

/** Asks for the next page once the last rendered row is within 20 of the end. */
function useLoadMore(lastIndex: number | undefined, count: number, query: PagesQuery) {
  useEffect(() => {
    if (lastIndex === undefined || !query.hasNextPage || query.isFetchingNextPage) return;
    if (lastIndex >= count - 20) void query.fetchNextPage();
  }, [lastIndex, count, query]);
}

/** A process's page, from a table row or a card. */
const pageOf = (ps: string, id: string) => `/p/${encodeURIComponent(ps)}/${id}`;

function Grid(props: {
  ps: string;
  name: string;
  rows: any[];
  columns: Column[];
  query: PagesQuery;
  sort: Sort | null;
  onSort: (field: string) => void;
}) {
  const { rows, columns, query, sort } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  useLoadMore(items.at(-1)?.index, rows.length, query);
  const template = `repeat(${columns.length}, minmax(${COLUMN_WIDTH}px, 1fr))`;
  const width = columns.length * COLUMN_WIDTH;
  return (
    <Paper withBorder radius="sm" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
      <Box
        ref={scroller}
        role="table"
        aria-label={`${props.name} processes`}
        aria-rowcount={-1}
        tabIndex={0}
        style={{ overflow: 'auto', flex: 1, minHeight: 0, position: 'relative' }}
      >
        <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1, minWidth: width }}>
          <div
            role="row"
            aria-rowindex={1}
            style={{
              display: 'grid',
              gridTemplateColumns: template,
              background: 'var(--mantine-color-gray-1)',
              borderBottom: '1px solid var(--mantine-color-gray-3)',
            }}
          >
            {columns.map((c) => {
              const sorted = sort?.field === c.sortField ? sort : null;
              return (
                <div
                  key={c.key}
                  role="columnheader"
                  aria-sort={sorted ? (sorted.order === 'asc' ? 'ascending' : 'descending') : undefined}
                  style={{ padding: '8px 12px', fontWeight: 600, fontSize: 14 }}
                >
                  {c.sortField ? (
                    <UnstyledButton
                      onClick={() => props.onSort(c.sortField!)}
                      style={{ fontWeight: 600, fontSize: 14 }}
                      title={`Sort by ${c.label}`}
                    >
                      {c.label}
                      <span aria-hidden="true">{sorted ? (sorted.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                    </UnstyledButton>
                  ) : (
                    c.label
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: width }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 2}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  display: 'grid',
                  gridTemplateColumns: template,
                  alignItems: 'center',
                  borderBottom: '1px solid var(--mantine-color-gray-2)',
                }}
              >
                {columns.map((c, i) => (
                  <div
                    key={c.key}
                    role="cell"
                    style={{ padding: '0 12px', fontSize: 14, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                  >
                    {/* The first cell opens the process (a real link: keyboard, new tab). */}
                    {i === 0 ? (
                      <Link href={pageOf(props.ps, row.id)} style={{ color: 'var(--mantine-color-indigo-8)' }}>
                        {formatValue(c.read(row), c.type) || 'Open'}
                      </Link>
                    ) : (
                      formatValue(c.read(row), c.type)
                    )}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </Box>
      <Status count={rows.length} query={query} />
    </Paper>
  );
}

function CardList(props: { ps: string; name: string; rows: any[]; columns: Column[]; query: PagesQuery }) {
  const { rows, columns, query } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  useLoadMore(items.at(-1)?.index, rows.length, query);
  const [first, ...rest] = columns;
  return (
    <Box style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
      <Box
        ref={scroller}
        tabIndex={0}
        aria-label={`${props.name} processes`}
        role="region"
        style={{ overflow: 'auto', flex: 1, minHeight: 0 }}
      >
        <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <Paper
                key={row.id}
                role="listitem"
                withBorder
                p="xs"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: CARD_HEIGHT - 8,
                  transform: `translateY(${item.start}px)`,
                  overflow: 'hidden',
                }}
              >
                <Text fw={600} truncate component={Link} href={pageOf(props.ps, row.id)} c="indigo.8" display="block">
                  {first ? formatValue(first.read(row), first.type) || 'Open' : row.id}
                </Text>
                {rest.slice(0, 2).map((c) => (
                  <Text key={c.key} size="sm" truncate>
                    <Text span c="dimmed" size="sm">
                      {c.label}:
                    </Text>{' '}
                    {formatValue(c.read(row), c.type)}
                  </Text>
                ))}
              </Paper>
            );
          })}
        </div>
      </Box>
      <Status count={rows.length} query={query} />
    </Box>
  );
}

function Status({ count, query }: { count: number; query: PagesQuery }) {
  const text = query.isPending
    ? 'Loading…'
    : query.isFetchingNextPage
      ? `${count} shown, loading more…`
      : count === 0
        ? 'No processes yet.'
        : query.hasNextPage
          ? `${count} shown, scroll for more`
          : `${count} in all`;
  return (
    <Text size="sm" c="dimmed" px="sm" py={4} role="status">
      {text}
    </Text>
  );
}

function ColumnMenu(props: {
  columns: Map<string, Column>;
  choices: { key: string; visible: boolean }[];
  toggle: (key: string) => void;
  move: (key: string, by: -1 | 1) => void;
  reset: () => void;
}) {
  return (
    <Popover position="bottom-end" withinPortal shadow="md" trapFocus>
      <Popover.Target>
        <Button variant="default" size="sm">
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4} mah="60vh" style={{ overflowY: 'auto' }}>
          {props.choices.map((choice, i) => {
            const label = props.columns.get(choice.key)?.label ?? choice.key;
            return (
              <Group key={choice.key} gap="xs" wrap="nowrap" justify="space-between">
                <Checkbox label={label} checked={choice.visible} onChange={() => props.toggle(choice.key)} />
                <Group gap={2} wrap="nowrap">
                  <ActionIcon
                    variant="subtle"
                    size="sm"
                    aria-label={`Move ${label} up`}
                    disabled={i === 0}
                    onClick={() => props.move(choice.key, -1)}
                  >
                    <span aria-hidden="true">↑</span>
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    size="sm"
                    aria-label={`Move ${label} down`}
                    disabled={i === props.choices.length - 1}
                    onClick={() => props.move(choice.key, 1)}
                  >
                    <span aria-hidden="true">↓</span>
                  </ActionIcon>
                </Group>
              </Group>
            );
          })}
          <Button variant="subtle" size="xs" onClick={props.reset} mt="xs">
            Reset columns
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
