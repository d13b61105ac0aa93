import type { OutgoingHttpHeaders } from 'node:http';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { invalid } from '../../core/errors.ts';
import { teamPrincipalOf } from '../../core/http/principal-team.ts';
import { errorsAt } from '../../core/http/route-schema.ts';
import { EVENT_STREAM_DESCRIPTION, eventStreamAnswer } from './schemas.ts';
import { parsePosition, POSITION_PATTERN } from './position.ts';

const Position = (description: string) => Type.String({ pattern: POSITION_PATTERN, maxLength: 40, description, examples: ['7521.3804'] });

const EventsHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Position(
      'The `id` of the last event received (browsers send it by themselves when they reconnect): the stream replays what came after it.',
    ),
  ),
});
const EventsQuery = Type.Object({
  lastEventId: Type.Optional(Position('As the `Last-Event-ID` header, for clients that cannot set headers; the header wins.')),
});

export function eventRoutes(ctx: AppContext) {
  const hub = ctx.local.eventHub;
  return async (app: FastifyInstance) => {
    // An open stream never ends by itself and would hold the server's close forever.
    app.addHook('preClose', async () => hub.close());

    app.get<{ Headers: Static<typeof EventsHeaders>; Querystring: Static<typeof EventsQuery> }>(
      '/v1/ext/events',
      {
        config: { auth: 'key', privilege: 'process:read' },
        schema: {
          tags: ['events'],
          summary: 'Stream changes to processes (Server-Sent Events)',
          operationId: 'streamEvents',
          description: EVENT_STREAM_DESCRIPTION,
          headers: EventsHeaders,
          querystring: EventsQuery,
          response: { 200: eventStreamAnswer, ...errorsAt(400, 401, 403, 429, 500, 503) },
        },
      },
      async (request, reply) => {
        const principal = teamPrincipalOf(request);
        const given = request.headers['last-event-id'] ?? request.query.lastEventId;
        const field = request.headers['last-event-id'] !== undefined ? 'Last-Event-ID' : 'lastEventId';
        const from = given === undefined ? undefined : parsePosition(given);
        if (given !== undefined && !from) throw invalid(field, 'expected the id of an event, <txid>.<id>');
        const release = hub.admit(principal.ownerId);
        let stream: Awaited<ReturnType<typeof hub.attach>>;
        try {
          await hub.start(ctx.db, ctx.log);
          stream = await hub.attach(reply.raw, { teamId: principal.teamId, ownerId: principal.ownerId, from }, release);
        } catch (err) {
          release();
          throw err;
        }
        // From here the answer is ours to write: Fastify neither serializes nor ends it.
        reply.hijack();
        reply.raw.on('error', () => {});
        // The headers hooks set (request id, CORS) are on the reply, which a hijacked answer does not send.
        reply.raw.writeHead(200, {
          ...(reply.getHeaders() as OutgoingHttpHeaders),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          // nginx and its kin would otherwise buffer the stream and deliver events late.
          'x-accel-buffering': 'no',
          // A stream's connection serves nothing else after it; closing it lets shutdown finish at once.
          connection: 'close',
        });
        await hub.play(stream, from);
      },
    );
  };
}
