/**
 * One procedure's processes as a board: a column per state in the procedure's order, the
 * state's colour on top (its workspace `color`, else a neutral one for its status). Dragging a
 * card to another column saves the new state through the API; the card moves at once and goes
 * back, with the server's message, when the server refuses. Mouse, touch (press and hold) and
 * keyboard (space, arrows, space) drag; a screen reader hears what is picked up and where it goes.
 * The table's filter and sort (in the address, kept by the Table | Board switch) apply to every
 * column, so the board shows the processes the table shows.
 */
import {
  type Active,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  type Over,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import type { Process } from '@chakra-server/sdk';
import { Alert, Box, Button, Group, Loader, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import { client, problem } from '../api.ts';
import { type Column, columnsFor, formatValue } from './columns.ts';
import { useProcedureFilter } from './ProcessFilter.tsx';
import { ProcedureViewSwitch } from './ProcedureViewSwitch.tsx';
import type { ProcedureInfo } from './procedure.ts';
import { ProcedureGate } from './ProcedureGate.tsx';
import { type Sort, useTableSetup } from './table-setup.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';

const PAGE = 25;
const COLUMN_MIN_WIDTH = 200;

interface BoardState {
  id: string;
  shortId: string;
  name: string;
  status: string;
  color: string | null;
}

/** What a card shows: a title, the primary key's value and two more attributes. */
interface CardFields {
  title?: Column;
  key?: Column;
  more: Column[];
}

/** A card being moved: shown in its new column until the server has answered and the columns are fetched again. */
interface PendingMove {
  process: Process;
  to: string;
}

/** What the drag carries (dnd-kit's `data`), for the drop and the announcements. */
interface CardData {
  process: Process;
  state: BoardState;
  label: string;
}

const NEUTRAL_BY_STATUS: Record<string, string> = {
  OPEN: 'var(--mantine-color-blue-4)',
  COMPLETED: 'var(--mantine-color-teal-6)',
  CANCELLED: 'var(--mantine-color-gray-5)',
};

/** The server accepts only #rrggbb; checked again here because the value goes into a style. */
const colourOf = (state: BoardState) =>
  state.color && /^#[0-9a-f]{6}$/i.test(state.color) ? state.color : (NEUTRAL_BY_STATUS[state.status] ?? NEUTRAL_BY_STATUS.OPEN);

// Attribute types that say little on a small card (objects, files, long lists).
const NOT_ON_CARDS = /json|object|photo|file|location|array|list/i;

export default function Board({ ps }: { ps: string }) {
  return (
    <ProcedureGate ps={ps}>
      {(info) => <ProcessBoard ps={ps} name={info.procedure.name} states={info.states} fields={cardFields(info)} />}
    </ProcedureGate>
  );
}

/** A card's title (primary identifier, else primary key), its key when that is not the title, and two more attributes. */
function cardFields(info: ProcedureInfo): CardFields {
  const columns = columnsFor(info.procedure, info.attributes).filter((c) => c.key.startsWith('data.'));
  const column = (attribute: { shortId: string } | undefined) =>
    attribute ? columns.find((c) => c.key === `data.${attribute.shortId}`) : undefined;
  const title = column(info.primaryIdentifier) ?? column(info.primaryKey);
  const key = column(info.primaryKey);
  return {
    title,
    key: key === title ? undefined : key,
    more: columns.filter((c) => c !== title && c !== key && !NOT_ON_CARDS.test(c.type)).slice(0, 2),
  };
}

function cardLabel(process: Process, fields: CardFields): string {
  const title = fields.title ? formatValue(fields.title.read(process), fields.title.type) : '';
  const key = fields.key ? formatValue(fields.key.read(process), fields.key.type) : '';
  if (title && key) return `${title} (${key})`;
  return title || key || `process ${process.id.slice(0, 8)}`;
}

/** Mouse and pen: a drag starts after 6 px, so a click still opens the card. Touch has its own sensor below. */
class MouseAndPenSensor extends PointerSensor {
  static activators: typeof PointerSensor.activators = [
    {
      eventName: 'onPointerDown',
      handler: (event, ...rest) => event.nativeEvent.pointerType !== 'touch' && PointerSensor.activators[0].handler(event, ...rest),
    },
  ];
}

/** Arrows left and right jump to the neighbouring column (the default moves 25 px per press). */
const toNeighbourColumn: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const by = event.code === 'ArrowRight' ? 1 : event.code === 'ArrowLeft' ? -1 : 0;
  if (event.code.startsWith('Arrow')) event.preventDefault();
  if (!by) return undefined;
  const columns = [...context.droppableRects.entries()].sort(([, a], [, b]) => a.left - b.left);
  const here = context.over?.id ?? (context.active?.data.current as CardData | undefined)?.state.id;
  const next = columns[columns.findIndex(([id]) => id === here) + by];
  return next ? { x: next[1].left + 8, y: currentCoordinates.y } : undefined;
};

/** Under the pointer when there is one; by overlap for the keyboard. */
const collision: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length ? under : rectIntersection(args);
};

function ProcessBoard(props: { ps: string; name: string; states: BoardState[]; fields: CardFields }) {
  const { ps, states, fields } = props;
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Map<string, PendingMove>>(new Map());
  const [refused, setRefused] = useState<{ label: string; message: string } | null>(null);
  const [dragging, setDragging] = useState<CardData | null>(null);
  const movedOver = useRef(false);
  // The table's filter and sort (in the address) narrow and order every column.
  const [{ where, sort }, changeSetup] = useTableSetup();
  const filter = useProcedureFilter(ps, where, changeSetup);
  const sensors = useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, {
      // Enter opens the card (it is a link); space picks it up and drops it.
      keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] },
      coordinateGetter: toNeighbourColumn,
    }),
  );
  const stateName = (over: Over | null) => states.find((s) => s.id === over?.id)?.name;
  const labelOf = (active: Active) => (active.data.current as CardData).label;

  const move = async (card: CardData, to: BoardState) => {
    const { process } = card;
    setRefused(null);
    setPending((current) => new Map(current).set(process.id, { process: { ...process, state: to.shortId }, to: to.id }));
    try {
      await client.processes.update(ps, process.id, { state: to.shortId });
      // Both columns as the server has them now, before the card leaves the pending set.
      await Promise.all([card.state.id, to.id].map((id) => queryClient.invalidateQueries({ queryKey: ['board', ps, id] })));
    } catch (error) {
      setRefused({ label: card.label, message: problem(error) });
    } finally {
      setPending((current) => {
        const next = new Map(current);
        next.delete(process.id);
        return next;
      });
    }
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const card = active.data.current as CardData;
    const to = states.find((s) => s.id === over?.id);
    if (to && to.id !== card.state.id) void move(card, to);
  };

  return (
    <Stack gap="sm" h="calc(100dvh - 56px - 2 * var(--mantine-spacing-md))">
      <Group gap="sm" wrap="nowrap">
        <Title order={1} size="h3">
          {props.name}
        </Title>
        <ProcedureViewSwitch ps={ps} current="board" />
        {filter.button}
      </Group>
      {filter.panel}
      {refused ? (
        <Alert
          color="red"
          role="alert"
          title={`Could not move ${refused.label}`}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setRefused(null)}
        >
          {refused.message}
        </Alert>
      ) : null}
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={({ active }) => setDragging(active.data.current as CardData)}
        onDragCancel={() => setDragging(null)}
        onDragEnd={onDragEnd}
        accessibility={{
          screenReaderInstructions: {
            draggable:
              'To move this card to another state, press space, then the left and right arrows to choose the state, then space to drop it there, or escape to leave it where it is.',
          },
          announcements: {
            onDragStart: ({ active }) => {
              movedOver.current = false;
              return `Picked up ${labelOf(active)}, in ${(active.data.current as CardData).state.name}.`;
            },
            onDragOver: ({ active, over }) => {
              // The first "over" is the card's own column, at once: "Picked up…" has said that already.
              const first = !movedOver.current;
              movedOver.current = true;
              if (first && over?.id === (active.data.current as CardData).state.id) return undefined;
              return over ? `${labelOf(active)} is over ${stateName(over)}.` : `${labelOf(active)} is over no state.`;
            },
            onDragEnd: ({ active, over }) => {
              const from = (active.data.current as CardData).state;
              return over && over.id !== from.id
                ? `${labelOf(active)} moved to ${stateName(over)}.`
                : `${labelOf(active)} stays in ${from.name}.`;
            },
            onDragCancel: ({ active }) =>
              `Moving ${labelOf(active)} cancelled; it stays in ${(active.data.current as CardData).state.name}.`,
          },
        }}
      >
        <Box
          role="region"
          aria-label={`${props.name} board`}
          tabIndex={0}
          style={{ display: 'flex', gap: 12, overflowX: 'auto', flex: 1, minHeight: 0, paddingBottom: 4 }}
        >
          {states.map((state) => (
            <StateColumn key={state.id} ps={ps} state={state} fields={fields} pending={pending} where={where} sort={sort} />
          ))}
        </Box>
        <DragOverlay dropAnimation={null}>
          {dragging ? (
            <Paper withBorder shadow="md" p="xs" aria-hidden="true" style={{ cursor: 'grabbing' }}>
              <CardBody process={dragging.process} fields={fields} />
            </Paper>
          ) : null}
        </DragOverlay>
      </DndContext>
    </Stack>
  );
}

function StateColumn(props: {
  ps: string;
  state: BoardState;
  fields: CardFields;
  pending: Map<string, PendingMove>;
  where: Record<string, unknown> | null;
  sort: Sort[] | null;
}) {
  const { ps, state, fields, pending, where, sort } = props;
  const headingId = useId();
  const { setNodeRef, isOver } = useDroppable({ id: state.id });
  const query = useInfiniteQuery({
    queryKey: ['board', ps, state.id, where, sort],
    queryFn: ({ pageParam, signal }) =>
      client.processes.list(
        ps,
        {
          where: where ? { and: [where, { state: state.shortId }] } : { state: state.shortId },
          limit: PAGE,
          ...(sort ? { sort } : {}),
          ...(pageParam ? { cursor: pageParam } : {}),
        },
        { signal },
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.meta.hasMore ? (last.meta.nextCursor ?? undefined) : undefined),
  });
  // The server's cards, with those being moved shown where they are going.
  const cards = useMemo(() => {
    const fetched = query.data?.pages.flatMap((p) => p.data) ?? [];
    const staying = fetched.filter((p) => (pending.get(p.id)?.to ?? state.id) === state.id);
    const arriving = [...pending.values()].filter((m) => m.to === state.id && !fetched.some((p) => p.id === m.process.id));
    return [...arriving.map((m) => m.process), ...staying];
  }, [query.data, pending, state.id]);
  const more = query.hasNextPage;
  return (
    <Box
      ref={setNodeRef}
      component="section"
      aria-labelledby={headingId}
      style={{
        flex: `1 0 ${COLUMN_MIN_WIDTH}px`,
        display: 'flex',
        flexDirection: 'column',
        minHeight: 0,
        background: isOver ? 'var(--mantine-color-indigo-0)' : 'var(--mantine-color-gray-0)',
        border: '1px solid var(--mantine-color-gray-3)',
        borderTop: `5px solid ${colourOf(state)}`,
        borderRadius: 'var(--mantine-radius-sm)',
      }}
    >
      <Group justify="space-between" wrap="nowrap" px="sm" py={6}>
        <Title order={2} size="h5" id={headingId}>
          {state.name}
        </Title>
        <Text size="sm" c="dimmed">
          <span aria-hidden="true">{`${cards.length}${more ? '+' : ''}`}</span>
          <VisuallyHidden>{`${cards.length} shown${more ? ', more to show' : ''}`}</VisuallyHidden>
        </Text>
      </Group>
      <Box style={{ overflowY: 'auto', flex: 1, minHeight: 0, padding: '0 8px 8px' }}>
        <ProblemAlert error={query.error} p="xs" />
        {query.isPending ? <Loader size="sm" aria-label={`Loading ${state.name}`} m="sm" /> : null}
        <Stack component="ul" gap={8} m={0} p={0} style={{ listStyle: 'none' }}>
          {cards.map((process) => (
            <li key={process.id}>
              <Card ps={ps} process={process} state={state} fields={fields} />
            </li>
          ))}
        </Stack>
        {more ? (
          <Button variant="subtle" size="xs" fullWidth mt={8} loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            Show more<VisuallyHidden> in {state.name}</VisuallyHidden>
          </Button>
        ) : null}
      </Box>
    </Box>
  );
}

function Card(props: { ps: string; process: Process; state: BoardState; fields: CardFields }) {
  const { ps, process, state, fields } = props;
  const data: CardData = { process, state, label: cardLabel(process, fields) };
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({ id: process.id, data });
  return (
    <Paper
      ref={setNodeRef}
      component={Link}
      href={`/p/${encodeURIComponent(ps)}/${encodeURIComponent(process.id)}`}
      withBorder
      p="xs"
      {...listeners}
      // A link stays a link: only the instructions are taken from dnd-kit's attributes, not its button role.
      aria-describedby={attributes['aria-describedby']}
      style={{
        display: 'block',
        color: 'inherit',
        textDecoration: 'none',
        opacity: isDragging ? 0.4 : 1,
        // Touch scrolls the board unless a finger rests on a card (the touch sensor's press and hold).
        touchAction: 'manipulation',
      }}
    >
      <CardBody process={process} fields={fields} />
    </Paper>
  );
}

function CardBody({ process, fields }: { process: Process; fields: CardFields }) {
  const value = (c: Column | undefined) => (c ? formatValue(c.read(process), c.type) : '');
  return (
    <>
      <Text fw={600} size="sm" truncate>
        {value(fields.title) || '—'}
      </Text>
      {fields.key ? (
        <Text size="xs" c="dimmed" truncate>
          {value(fields.key)}
        </Text>
      ) : null}
      {fields.more.map((c) => (
        <Text key={c.key} size="xs" truncate>
          <Text span c="dimmed" size="xs">
            {c.label}:
          </Text>{' '}
          {value(c)}
        </Text>
      ))}
    </>
  );
}
