/**
 * Keeps what the console shows current (docs/console.md#event-stream): one event stream per
 * signed-in page, through the SDK (it resumes by Last-Event-ID after a dropped connection).
 * A changed process that an open table holds is fetched again and replaced in place; a new
 * one appears at the top of a table in the default order; a deleted one leaves. A filtered
 * table is asked again instead (whether a row still matches is the server's to say). A burst
 * (a bulk job) or a `reset` refetches the procedure's tables instead of fetching row by row.
 * An open board refetches the procedure's columns on any of its events (a card may change column).
 * An open process page refetches its process, tasks and history on any event for that process.
 *
 * A first connection starts at "now", so a change made between a screen's fetch and that moment
 * would never arrive: when it opens, what was fetched before is fetched again. A reconnection
 * resumes after its last event instead (the stream replays what was missed).
 */
import type { ListPage, Process, ProcessEvent } from '@chakra-server/sdk';
import { type InfiniteData, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { client } from './api.ts';

type Pages = InfiniteData<ListPage<'listProcesses'>, string | undefined>;

/** The process page's queries: `['process-page', id, 'process' | 'tasks' | 'history']`; without a part, all three. */
export const processPageKey = (processId: string, part?: 'process' | 'tasks' | 'history') =>
  part ? ['process-page', processId, part] : ['process-page', processId];

/** Events of one procedure within this window are applied together. */
const BATCH_MS = 100;
/** More changed processes than this in one batch: refetch the tables rather than each row. */
const MAX_ROW_FETCHES = 20;

/** The table queries of a procedure: ['processes', ps, sort, where]. */
const tablesOf = (ps: string) => ({ queryKey: ['processes', ps] });
const filtered = (ps: string) => ({
  queryKey: ['processes', ps],
  predicate: (q: { queryKey: readonly unknown[] }) => q.queryKey[3] != null,
});
const unfiltered = (ps: string) => ({
  queryKey: ['processes', ps],
  predicate: (q: { queryKey: readonly unknown[] }) => q.queryKey[3] == null,
});
/** The board's columns of a procedure: ['board', ps, stateId]. A change may move a card between columns, so each event refetches them all. */
const boardOf = (ps: string) => ({ queryKey: ['board', ps] });

function withPages(queryClient: QueryClient, ps: string, change: (pages: Pages, sorted: boolean) => Pages) {
  for (const [key, value] of queryClient.getQueriesData<Pages>(unfiltered(ps))) {
    if (value) queryClient.setQueryData<Pages>(key, change(value, key[2] != null));
  }
}

const held = (pages: Pages, id: string) => pages.pages.some((p) => p.data.some((row) => row.id === id));

async function apply(queryClient: QueryClient, ps: string, events: ProcessEvent[]) {
  void queryClient.invalidateQueries(boardOf(ps));
  const latest = new Map(events.map((e) => [e.processId, e]));
  if (latest.size > MAX_ROW_FETCHES) return void queryClient.invalidateQueries(tablesOf(ps));
  void queryClient.invalidateQueries(filtered(ps));
  // A process created and then changed within the batch is still new to the tables.
  const createdIds = new Set(events.filter((e) => e.kind === 'created').map((e) => e.processId));
  const tables = queryClient.getQueriesData<Pages>(unfiltered(ps));
  // A new process goes on top of a table in the default order (so it is fetched only when one
  // is open); a table in another order is asked again, once for the whole batch.
  const defaultOrderOpen = tables.some(([key]) => key[2] == null);
  if (createdIds.size)
    void queryClient.invalidateQueries({
      queryKey: ['processes', ps],
      predicate: (q) => q.queryKey[2] != null && q.queryKey[3] == null,
    });
  await Promise.all(
    [...latest.values()].map(async (event) => {
      if (event.kind === 'deleted') {
        withPages(queryClient, ps, (pages) => ({
          ...pages,
          pages: pages.pages.map((p) => ({ ...p, data: p.data.filter((row) => row.id !== event.processId) })),
        }));
        return;
      }
      const holding = tables.some(([, pages]) => pages && held(pages, event.processId));
      const created = createdIds.has(event.processId);
      if (!holding && !(created && defaultOrderOpen)) return;
      let process: Process;
      try {
        process = await client.processes.get(ps, event.processId);
      } catch {
        return; // gone again, or no longer ours to see: the next refetch says so
      }
      withPages(queryClient, ps, (pages, sorted) => {
        if (held(pages, process.id)) {
          return {
            ...pages,
            pages: pages.pages.map((p) => ({ ...p, data: p.data.map((row) => (row.id === process.id ? process : row)) })),
          };
        }
        // Newest first is the default order: a new process goes on top.
        if (!created || sorted || pages.pages.length === 0) return pages;
        const [first, ...rest] = pages.pages;
        return { ...pages, pages: [{ ...first, data: [process, ...first.data] }, ...rest] };
      });
    }),
  );
}

/** The screens' queries that events keep current. */
const LIVE_QUERIES = ['processes', 'board', 'process-page'];
const isLive = (q: { queryKey: readonly unknown[] }) => LIVE_QUERIES.includes(q.queryKey[0] as string);

/** Where the stream is: not yet open, open (changes arrive), or dropped and being reopened. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Opens the stream while mounted (the signed-in shell); answers where it is. */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const stop = new AbortController();
    const pending = new Map<string, ProcessEvent[]>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      for (const [ps, events] of pending) {
        void apply(queryClient, ps, events);
        // Only an open page's queries are fetched again; others are just marked stale.
        for (const processId of new Set(events.map((e) => e.processId))) {
          void queryClient.invalidateQueries({ queryKey: processPageKey(processId) });
        }
      }
      pending.clear();
    };
    client.events
      .stream({
        signal: stop.signal,
        onEvent: (event) => {
          if (!event.procedure) return;
          pending.set(event.procedure, [...(pending.get(event.procedure) ?? []), event]);
          timer ??= setTimeout(flush, BATCH_MS);
        },
        onOpen: ({ lastEventId }) => {
          setState('live');
          if (lastEventId) return;
          const openedAt = Date.now();
          void queryClient.invalidateQueries({
            predicate: (q) => isLive(q) && (q.state.dataUpdatedAt < openedAt || q.state.fetchStatus === 'fetching'),
          });
        },
        onDisconnect: () => setState('reconnecting'),
        onReset: () => void queryClient.invalidateQueries({ predicate: isLive }),
      })
      // A refusal for good (signed out, the session ended) ends the stream; the session's own
      // query notices the 401 and shows the sign-in screen.
      .catch(() => {});
    return () => {
      stop.abort();
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
  return state;
}
