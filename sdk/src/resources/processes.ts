/** `client.processes`: one procedure's processes — CRUD, listing with keyset cursors, bulk jobs. */
import { data, init, page, type RawClient } from '../call.ts';
import type { ListPage, QueryParams, RequestBody, RequestOptions, ResponseData } from '../types.ts';

export type Process = ResponseData<'getProcess'>;
export type ProcessListQuery = RequestBody<'listProcesses'>;
/** A list query for iteration: the cursor is the iterator's business. */
export type ProcessIterateQuery = Omit<ProcessListQuery, 'cursor' | 'skip'>;
/** One entry of a process's history: created, updated (`changes: [{field, old, new}]`), deleted, task_*. */
export type ProcessHistoryEntry = ResponseData<'getProcessHistory'>[number];
export type ProcessHistoryQuery = Partial<QueryParams<'getProcessHistory'>>;

export function processesResource(raw: RawClient) {
  const list = (ps: string, query: ProcessListQuery = {}, options?: RequestOptions): Promise<ListPage<'listProcesses'>> =>
    page(raw.POST('/v1/ext/procedure/{ps}/process/list', { params: { path: { ps } }, body: query, ...init(options) }));

  /** Every page of a query, following `_meta.nextCursor` (keyset: nothing skipped or repeated while others write). */
  async function* pages(ps: string, query: ProcessIterateQuery = {}, options?: RequestOptions): AsyncGenerator<ListPage<'listProcesses'>> {
    let cursor: string | undefined;
    do {
      const current = await list(ps, cursor === undefined ? query : { ...query, cursor }, options);
      yield current;
      cursor = current.meta.hasMore && current.meta.nextCursor ? current.meta.nextCursor : undefined;
    } while (cursor !== undefined);
  }

  /** Every process matching a query, page by page (`limit` is the page size). */
  async function* iterate(ps: string, query: ProcessIterateQuery = {}, options?: RequestOptions): AsyncGenerator<Process> {
    for await (const current of pages(ps, query, options)) yield* current.data;
  }

  const history = (
    ps: string,
    idOrPk: string,
    query: ProcessHistoryQuery = {},
    options?: RequestOptions,
  ): Promise<ListPage<'getProcessHistory'>> =>
    page(raw.GET('/v1/ext/procedure/{ps}/process/{idOrPk}/history', { params: { path: { ps, idOrPk }, query }, ...init(options) }));

  /** A process's whole history, newest first, following `_meta.nextCursor` (`limit` is the page size). */
  async function* iterateHistory(
    ps: string,
    idOrPk: string,
    query: Omit<ProcessHistoryQuery, 'cursor'> = {},
    options?: RequestOptions,
  ): AsyncGenerator<ProcessHistoryEntry> {
    let cursor: string | undefined;
    do {
      const current = await history(ps, idOrPk, cursor === undefined ? query : { ...query, cursor }, options);
      yield* current.data;
      cursor = current.meta.hasMore && current.meta.nextCursor ? current.meta.nextCursor : undefined;
    } while (cursor !== undefined);
  }

  return {
    create: (ps: string, body: RequestBody<'createProcess'>, options?: RequestOptions): Promise<ResponseData<'createProcess'>> =>
      data(raw.POST('/v1/ext/procedure/{ps}/process', { params: { path: { ps } }, body, ...init(options) })),

    get: (ps: string, processId: string, options?: RequestOptions): Promise<Process> =>
      data(raw.GET('/v1/ext/procedure/{ps}/process/{processId}', { params: { path: { ps, processId } }, ...init(options) })),

    /** Partial update: only the given fields and `data` keys change. */
    update: (
      ps: string,
      processId: string,
      body: RequestBody<'updateProcess'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'updateProcess'>> =>
      data(raw.PUT('/v1/ext/procedure/{ps}/process/{processId}', { params: { path: { ps, processId } }, body, ...init(options) })),

    updateByPrimaryKey: (
      ps: string,
      pkShortId: string,
      pkValue: string,
      body: RequestBody<'updateProcessByPrimaryKey'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'updateProcessByPrimaryKey'>> =>
      data(
        raw.PUT('/v1/ext/procedure/{ps}/process/{pkShortId}/{pkValue}', {
          params: { path: { ps, pkShortId, pkValue } },
          body,
          ...init(options),
        }),
      ),

    /** Soft delete: answers the process with `isDeleted: true`. */
    delete: (ps: string, processId: string, options?: RequestOptions): Promise<ResponseData<'deleteProcess'>> =>
      data(raw.DELETE('/v1/ext/procedure/{ps}/process/{processId}', { params: { path: { ps, processId } }, ...init(options) })),

    deleteByPrimaryKey: (
      ps: string,
      pkShortId: string,
      pkValue: string,
      options?: RequestOptions,
    ): Promise<ResponseData<'deleteProcessByPrimaryKey'>> =>
      data(
        raw.DELETE('/v1/ext/procedure/{ps}/process/{pkShortId}/{pkValue}', {
          params: { path: { ps, pkShortId, pkValue } },
          ...init(options),
        }),
      ),

    /** One page: `meta.hasMore` and `meta.nextCursor` (send it back as `cursor`). */
    list,
    pages,
    iterate,

    /** One page of a process's history (extension), newest first; by uuid (also once deleted) or primary-key value. */
    history,
    iterateHistory,

    /** Starts a background job creating every item; follow it with `client.jobs.waitFor(job.id)`. */
    bulkCreate: (
      ps: string,
      items: RequestBody<'bulkCreateProcesses'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'bulkCreateProcesses'>> =>
      data(raw.POST('/v1/ext/procedure/{ps}/process/bulk-create', { params: { path: { ps } }, body: items, ...init(options) })),

    /** Starts a background job updating every item (each names its process by id or primary key). */
    bulkUpdate: (
      ps: string,
      items: RequestBody<'bulkUpdateProcesses'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'bulkUpdateProcesses'>> =>
      data(raw.PATCH('/v1/ext/procedure/{ps}/process', { params: { path: { ps } }, body: items, ...init(options) })),
  };
}
