/**
 * Complete and Cancel for an open task, as My tasks and a process page offer them. While one of
 * them is being saved it spins and the other waits, so a double click sends one change.
 */
import { Button } from '@mantine/core';

export type TaskOutcome = 'COMPLETED' | 'CANCELLED';

/** A task's (or a process's) status badge, outlined in shades dark enough for WCAG AA text on white. */
export const STATUS_COLOR: Record<string, string> = { OPEN: 'blue.8', COMPLETED: 'teal.9', CANCELLED: 'gray.7' };

export function TaskActions(props: { name: string; pending: TaskOutcome | undefined; onChange: (to: TaskOutcome) => void }) {
  const button = (to: TaskOutcome, label: string, variant: string) => (
    <Button
      size="compact-sm"
      variant={variant}
      aria-label={`${label} ${props.name}`}
      loading={props.pending === to}
      disabled={props.pending !== undefined && props.pending !== to}
      onClick={() => props.onChange(to)}
    >
      {label}
    </Button>
  );
  return (
    <>
      {button('COMPLETED', 'Complete', 'light')}
      {button('CANCELLED', 'Cancel', 'default')}
    </>
  );
}
