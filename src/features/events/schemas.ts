/** The stream's shape in the OpenAPI document: SSE has no JSON schema of its own, so the frames are described in words. */

export const EVENT_STREAM_DESCRIPTION = [
  "Extension. A Server-Sent Events stream of the changes to the team's processes, by anyone (another user, an API client, a bulk job), as they commit, on whichever server process answers.",
  'Frames: `retry: 2000` and the starting `id:` first; then `event: process` with `id: <txid>.<id>` and `data` a JSON object',
  '`{id, kind, procedure, procedureId, processId, changes, actor: {type, id, name}, at}` (`kind`: created, updated, deleted, task_created, task_completed, task_cancelled;',
  '`changes` for updates: `[{field, old, new}]`); `event: reset` (`data: {id, reason}`) when events were dropped (the client resumed from too far back or could not keep up): refetch what is shown, then carry on;',
  'a `: keepalive` comment every 15 s.',
  'Without a position the stream starts now; with `Last-Event-ID` (or `?lastEventId=`) it first replays what came after it, each event exactly once.',
  'See docs/console.md#event-stream.',
].join(' ');

/** The 200 answer: never ends while the client listens. */
export const eventStreamAnswer = {
  description: 'The event stream (`text/event-stream`); it stays open until the client or the server closes it.',
  content: {
    'text/event-stream': { schema: { type: 'string', description: 'Server-Sent Events frames (see the operation description).' } },
  },
};
