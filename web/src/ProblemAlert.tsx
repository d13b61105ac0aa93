/** The red alert every screen shows for a failed call: the server's own sentence (api.ts `problem`), or nothing. */
import { Alert, type AlertProps } from '@mantine/core';
import { problem } from './api.ts';
import type { Refusal } from './screens/refusals.ts';

export function ProblemAlert({ error, ...props }: { error: unknown } & Omit<AlertProps, 'color' | 'role' | 'children'>) {
  if (error == null) return null;
  return (
    <Alert color="red" role="alert" {...props}>
      {problem(error)}
    </Alert>
  );
}

/** A form's refusal, the messages that name no field of the form (those stand beside their fields). */
export function RefusalAlert({ refusal }: { refusal: Refusal | null }) {
  if (!refusal?.other.length) return null;
  return (
    <Alert color="red" role="alert">
      {refusal.other.join(' ')}
    </Alert>
  );
}
