/**
 * A procedure's filter, shared by the table and the board: the Filter button (with the number of
 * conditions in force) and the filter builder it opens. The filter itself lives in the address
 * (table-setup.ts), so the Table | Board switch keeps it.
 */
import { Alert, Button, Loader } from '@mantine/core';
import { type ReactNode, useMemo, useState } from 'react';
import { FilterBuilder } from './FilterBuilder.tsx';
import { conditionCount, emptyGroup, filterFields, fromWhere, toWhere } from './filters.ts';
import { userName, useUsers } from './procedure.ts';
import { useTeamConfig } from './Shell.tsx';
import type { TableSetup } from './table-setup.ts';

/** The Filter button and, while it is open, the builder below it; applying writes the address's `where`. */
export function useProcedureFilter(
  ps: string,
  where: TableSetup['where'],
  changeSetup: (change: Partial<TableSetup>) => void,
): { button: ReactNode; panel: ReactNode } {
  const [open, setOpen] = useState(false);
  return {
    button: <FilterButton where={where} open={open} onToggle={() => setOpen((o) => !o)} />,
    panel: open ? (
      <Filters
        ps={ps}
        where={where}
        onApply={(next) => {
          changeSetup({ where: next });
          setOpen(false);
        }}
        onClose={() => setOpen(false)}
      />
    ) : null,
  };
}

function FilterButton({ where, open, onToggle }: { where: Record<string, unknown> | null; open: boolean; onToggle: () => void }) {
  return (
    <Button variant={where ? 'filled' : 'default'} size="sm" aria-expanded={open} onClick={onToggle}>
      {where ? `Filter (${conditionCount(fromWhere(where) ?? emptyGroup())})` : 'Filter'}
    </Button>
  );
}

/** The filter builder over the procedure's fields (assignees from the team's users). */
function Filters(props: {
  ps: string;
  where: Record<string, unknown> | null;
  onApply: (where: Record<string, unknown> | null) => void;
  onClose: () => void;
}) {
  const config = useTeamConfig();
  const users = useUsers();
  const fields = useMemo(
    () =>
      config.data
        ? filterFields(
            config.data,
            props.ps,
            (users.data ?? []).map((u) => ({ username: u.username, label: userName(u) })),
          )
        : [],
    [config.data, users.data, props.ps],
  );
  const parsed = props.where ? fromWhere(props.where) : emptyGroup();
  if (!fields.length) return <Loader aria-label="Loading the fields" />;
  return (
    <>
      {parsed ? null : (
        <Alert color="yellow" role="status">
          This filter was written by hand and the builder cannot show it; building a new one replaces it.
        </Alert>
      )}
      <FilterBuilder
        // A filter chosen elsewhere while the panel is open (a view, the address) starts it anew.
        key={JSON.stringify(props.where ?? null)}
        fields={fields}
        initial={parsed ?? emptyGroup()}
        onApply={(group) => props.onApply(toWhere(group))}
        onClose={props.onClose}
      />
    </>
  );
}
