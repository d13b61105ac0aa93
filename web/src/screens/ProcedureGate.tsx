/**
 * What every procedure screen shows before it can show itself: the configuration loading, the
 * server's refusal of it, or a procedure the team does not have. `children` renders once the
 * procedure (shortId or id, as in the address) is known.
 */
import { Alert, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { type ProcedureInfo, useProcedure } from './procedure.ts';

export function ProcedureGate({ ps, children }: { ps: string; children: (info: ProcedureInfo) => ReactNode }) {
  const { config, info } = useProcedure(ps);
  if (config.isPending) return <Loader aria-label="Loading the configuration" />;
  if (config.isError) return <ProblemAlert error={config.error} />;
  if (!info) {
    return (
      <Alert color="yellow" role="alert" title="No such procedure">
        This team has no procedure “{ps}”.
      </Alert>
    );
  }
  return children(info);
}
