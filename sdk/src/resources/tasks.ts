/** `client.tasks`: tasks logged on a process (a call, a visit…). */
import { data, init, page, type RawClient } from '../call.ts';
import type { ListPage, QueryParams, RequestBody, RequestOptions, ResponseData } from '../types.ts';

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

    /** A user's tasks (`assignedTo: 'me'` for the signed-in user) or a process's, due first; page on with `meta.nextCursor`. */
    list: (query: Partial<QueryParams<'listTasks'>>, options?: RequestOptions): Promise<ListPage<'listTasks'>> =>
      page(raw.GET('/v1/ext/tasks', { params: { query }, ...init(options) })),

    /** Complete, cancel or reopen a task; reassign it, move its due date, change its attributes. */
    update: (taskId: string, body: RequestBody<'updateTask'>, options?: RequestOptions): Promise<ResponseData<'updateTask'>> =>
      data(raw.PATCH('/v1/ext/task/{taskId}', { params: { path: { taskId } }, body, ...init(options) })),
  };
}
