/** `client.jobs`: background jobs (bulk create and update) — fetch, entries, cancel, wait. */
import { body, data, init, page, type RawClient } from '../call.ts';
import { sleep } from '../sleep.ts';
import type { ListPage, QueryParams, RequestOptions, ResponseData, ResponseMeta } from '../types.ts';

/** A job with its entry counts (`_meta.bjEntryCompletionStatusVsCount`) as `entryCounts`. */
export type BackgroundJob = ResponseData<'getBackgroundJob'> & {
  entryCounts: ResponseMeta<'getBackgroundJob'>['bjEntryCompletionStatusVsCount'];
};

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export interface WaitForOptions {
  /** Called with the job after every poll, the last (terminal) one included. */
  onProgress?: (job: BackgroundJob) => void;
  /** Between polls (default 500 ms). */
  intervalMs?: number;
  /** Gives up with a `TimeoutError` after this long (default: never). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function jobsResource(raw: RawClient) {
  async function get(id: string, options?: RequestOptions): Promise<BackgroundJob> {
    const envelope = await body(raw.GET('/v1/ext/background-job/{id}', { params: { path: { id } }, ...init(options) }));
    return { ...envelope._data, entryCounts: envelope._meta.bjEntryCompletionStatusVsCount };
  }

  return {
    get,

    /** The job's entries, one per submitted item, with each one's outcome. */
    entries: (
      id: string,
      query: Partial<QueryParams<'listBackgroundJobEntries'>> = {},
      options?: RequestOptions,
    ): Promise<ListPage<'listBackgroundJobEntries'>> =>
      page(
        raw.GET('/v1/ext/background-job/{id}/entries', {
          // The document marks skip and limit required (they have defaults): send the defaults.
          params: { path: { id }, query: { skip: 0, limit: 100, ...query } },
          ...init(options),
        }),
      ),

    /** Stops the job after its current chunk; answers the job. */
    cancel: (id: string, options?: RequestOptions): Promise<ResponseData<'cancelBackgroundJob'>> =>
      data(raw.POST('/v1/ext/background-job/{id}/cancel', { params: { path: { id } }, ...init(options) })),

    /** Polls until the job is COMPLETED, FAILED or CANCELLED, and answers it in that state. */
    async waitFor(id: string, { onProgress, intervalMs = 500, timeoutMs, signal }: WaitForOptions = {}): Promise<BackgroundJob> {
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      for (;;) {
        const job = await get(id, { signal });
        onProgress?.(job);
        if (TERMINAL.has(job.completionStatus)) return job;
        if (deadline !== undefined && Date.now() + intervalMs > deadline) {
          throw new DOMException(`job ${id} is still ${job.completionStatus} after ${timeoutMs} ms`, 'TimeoutError');
        }
        await sleep(intervalMs, signal);
      }
    },
  };
}
