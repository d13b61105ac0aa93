/** `client.tasks`: tasks logged on a process (a call, a visit…). */
import { data, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions, ResponseData } from '../types.ts';

export function tasksResource(raw: RawClient) {
  return {
    /** `processIdOrPk` is the process's id or its primary-key value; every body field is optional. */
    create: (
      ps: string,
      processIdOrPk: string,
      stateTask: string,
      body: RequestBody<'createTask'> = {},
      options?: RequestOptions,
    ): Promise<ResponseData<'createTask'>> =>
      data(
        raw.POST('/v1/ext/p/{ps}/{processIdOrPk}/task/{stateTask}', {
          params: { path: { ps, processIdOrPk, stateTask } },
          body,
          ...init(options),
        }),
      ),
  };
}
