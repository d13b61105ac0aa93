/** The link back from a process's screens (its page, the New form) to its procedure's list. */
import { Text } from '@mantine/core';
import { Link } from 'wouter';

export function BackLink({ ps, name }: { ps: string; name?: string }) {
  return (
    <Text component={Link} href={`/p/${encodeURIComponent(ps)}`} size="sm" c="indigo.8" td="underline">
      ← All {name ?? ps} processes
    </Text>
  );
}
