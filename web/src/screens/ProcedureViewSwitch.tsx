/**
 * Table | Board: the two ways to see one procedure's processes, as links (each view has its own
 * address), the current one marked with aria-current. The address's filter, sort and view go
 * along, so the board shows the processes the table shows.
 */
import { Button } from '@mantine/core';
import { Link, useSearch } from 'wouter';

const VIEWS = [
  { view: 'table', label: 'Table', path: '' },
  { view: 'board', label: 'Board', path: '/board' },
] as const;

export function ProcedureViewSwitch({ ps, current }: { ps: string; current: (typeof VIEWS)[number]['view'] }) {
  const search = useSearch();
  return (
    <Button.Group aria-label="View">
      {VIEWS.map(({ view, label, path }) => (
        <Button
          key={view}
          component={Link}
          href={`/p/${encodeURIComponent(ps)}${path}${search ? `?${search}` : ''}`}
          size="xs"
          variant={view === current ? 'filled' : 'default'}
          aria-current={view === current ? 'page' : undefined}
        >
          {label}
        </Button>
      ))}
    </Button.Group>
  );
}
