import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Status, Uuid } from '../../core/schema-types.ts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { actorOf } from '../../core/auth/principal.ts';
import { teamIdOf, teamPrincipalOf } from '../../core/http/principal-team.ts';
import { errorResponses, errorsAt } from '../../core/http/route-schema.ts';
import { procedureOf } from '../processes/service.ts';
import { createTask } from './service.ts';
import { changeTask } from './task-changes.ts';
import { listTasks } from './task-lists.ts';
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

const ListedTask = named(
  'ListedTask',
  Type.Object({
    ...TaskOut.properties,
    procedure: Nullable(Type.String({ description: "The process's procedure shortId." })),
    processLabel: Nullable(Type.String({ description: "The process's primary identifier (else primary key) value, to show." })),
  }),
);

const TaskListQuery = Type.Object({
  assignedTo: Type.Optional(Type.String({ maxLength: 320, description: '`me` (the signed-in user), a username or a user id' })),
  process: Type.Optional(Type.String({ maxLength: 64, description: 'a process id: its tasks only' })),
  status: Type.Optional(
    Type.String({ maxLength: 40, description: 'OPEN (default), COMPLETED, CANCELLED, or several separated by commas' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: "the previous page's _meta.nextCursor" })),
});

const TaskListMeta = named('TaskListMeta', Type.Object({ hasMore: Type.Boolean(), nextCursor: Nullable(Type.String()) }));

const ChangeTaskBody = named(
  'TaskUpdate',
  Type.Object(
    {
      status: Type.Optional(Status),
      data: Type.Optional(
        Type.Object({}, { additionalProperties: true, description: "the state task's attribute values to change; null removes one" }),
      ),
      assignedTo: Type.Optional(Type.Union([Type.String({ description: 'username or user id' }), Type.Null()])),
      title: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
      description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
      dueBy: InTime,
    },
    { additionalProperties: false },
  ),
  { examples: [{ status: 'COMPLETED', data: { remarks: 'Called back; will visit on Monday' } }] },
);

const TaskParams = Type.Object({ taskId: Uuid });

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
        return ok(
          await createTask(
            ctx.db,
            config,
            procedure,
            request.params.processIdOrPk,
            request.params.stateTask,
            request.body,
            actorOf(request.principal),
          ),
        );
      },
    );

    app.get<{ Querystring: Static<typeof TaskListQuery> }>(
      '/v1/ext/tasks',
      {
        config: { auth: 'key', privilege: 'process:read' },
        schema: {
          tags: ['tasks'],
          summary: 'List tasks',
          operationId: 'listTasks',
          description:
            "A user's tasks across processes (`assignedTo=me` in the console), or a process's: due first, those without a due " +
            'date last, keyset-paged with `cursor`. Each task names its procedure and its process as lists show it.',
          querystring: TaskListQuery,
          response: { 200: Envelope(Type.Array(ListedTask), TaskListMeta), ...errorResponses },
        },
      },
      async (request) => {
        const principal = teamPrincipalOf(request);
        const config = await ctx.configCache.get(principal.teamId);
        const { page, meta } = await listTasks(ctx.db, principal, config, request.query);
        return ok(page, meta);
      },
    );

    app.patch<{ Params: Static<typeof TaskParams>; Body: Static<typeof ChangeTaskBody> }>(
      '/v1/ext/task/:taskId',
      {
        config: { auth: 'key', privilege: 'task:write', idempotent: true },
        schema: {
          tags: ['tasks'],
          summary: 'Change task',
          operationId: 'updateTask',
          description:
            'Complete, cancel or reopen a task, reassign it, move its due date, change its attributes. Only the fields ' +
            'given change; `completedAt` and `cancelledAt` follow the status.',
          params: TaskParams,
          body: ChangeTaskBody,
          response: { 200: Envelope(TaskOut), ...errorResponses },
        },
      },
      async (request) => {
        const config = await ctx.configCache.get(teamIdOf(request));
        return ok((await changeTask(ctx.db, config, request.params.taskId, request.body, actorOf(request.principal))).after);
      },
    );
  };
}
