/** The red alert every screen shows for a failed call: the server's own sentence (api.ts `problem`), or nothing. */
import { Alert, type AlertProps } from '@mantine/core';
import { problem } from './api.ts';

export function ProblemAlert({ error, ...props }: { error: unknown } & Omit<AlertProps, 'color' | 'role' | 'children'>) {
  if (error == null) return null;
  return (
    <Alert color="red" role="alert" {...props}>
      {problem(error)}
    </Alert>
  );
}
