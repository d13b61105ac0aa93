import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Status, Uuid } from '../../core/schema-types.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses, errorsAt } from '../../core/http/route-schema.ts';
import { procedureOf } from '../processes/service.ts';
import { createTask } from './service.ts';
import { named } from '../../core/http/openapi-document.ts';

const Time = Type.Union([Type.Number(), Type.Null()]);
const InTime = Type.Optional(Type.Union([Type.Integer(), Type.String(), Type.Null()], { description: 'epoch milliseconds or ISO-8601' }));

const TaskOut = named(
  'Task',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    team: Uuid,
    process: Uuid,
    record: Nullable(Uuid),
    stateTask: Uuid,
    taskType: Nullable(Uuid),
    title: Nullable(Type.String()),
    description: Nullable(Type.String()),
    status: Type.String(),
    assignedTo: Nullable(Uuid),
    createdBy: Nullable(Uuid),
    dueBy: Time,
    startsAt: Time,
    endsAt: Time,
    startedAt: Time,
    completedAt: Time,
    cancelledAt: Time,
    data: Type.Object({}, { additionalProperties: true }),
  }),
);

const CreateTaskBody = named(
  'TaskCreate',
  Type.Object(
    {
      data: Type.Optional(Type.Object({}, { additionalProperties: true, description: "the state task's attribute values by shortId" })),
      status: Type.Optional(Status),
      assignedTo: Type.Optional(Type.Union([Type.String({ description: 'username or user id' }), Type.Null()])),
      title: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
      description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
      dueBy: InTime,
      startsAt: InTime,
      endsAt: InTime,
    },
    { additionalProperties: false },
  ),
  {
    examples: [
      {
        data: {
          primary_disposition: 'callback',
          when_to_callback: '2027-01-16T11:00:00+05:30',
          remarks: 'Asked to call back after the weekend',
        },
        status: 'COMPLETED',
      },
    ],
  },
);

const Params = Type.Object({
  ps: Type.String({ description: 'procedure shortId or id' }),
  processIdOrPk: Type.String({ description: 'process uuid or primary-key value' }),
  stateTask: Type.String({ description: 'state task shortId or id' }),
});

export function taskRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: Static<typeof Params>; Body: Static<typeof CreateTaskBody> }>(
      '/v1/ext/p/:ps/:processIdOrPk/task/:stateTask',
      {
        config: { auth: 'key', privilege: 'task:write', idempotent: true },
        schema: {
          tags: ['tasks'],
          summary: 'Create task',
          operationId: 'createTask',
          description: 'A task created COMPLETED logs a finished interaction (completedAt is set).',
          params: Params,
          body: CreateTaskBody,
          response: { 200: Envelope(TaskOut), ...errorResponses, ...errorsAt(422) },
        },
      },
      async (request) => {
        const config = await ctx.configCache.get(teamIdOf(request));
        const procedure = procedureOf(config, request.params.ps);
        return ok(await createTask(ctx.db, config, procedure, request.params.processIdOrPk, request.params.stateTask, request.body));
      },
    );
  };
}
