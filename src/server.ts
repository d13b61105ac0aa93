/**
 * Builds the Fastify app: cross-cutting hooks, the error handler, the API reference and the
 * feature routes. No business logic lives here.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { AppContext } from './context.ts';
import { AREAS } from './areas.ts';
import { createValidator, noteBodySize } from './core/http/validator.ts';
import { lazyChildLogger } from './core/http/lazy-child-logger.ts';
import './core/http/fastify-types.ts';
import { installAuth } from './core/http/auth-hook.ts';
import { AppError, invalid } from './core/errors.ts';
import { ErrorBody } from './core/envelope.ts';
import { describeRoute, nameComponents } from './core/http/openapi-document.ts';
import { DEMO_PATH_EXAMPLES } from './features/demo/openapi-examples.ts';
import { OPERATION_ORIGINS } from './operation-origins.ts';
import { refusedValueState, sendError, toAppError } from './core/http/error-handler.ts';
import { MAX_PATH_PARAM_LENGTH, answerFrameworkError, clientErrorHandler, missingHostHeader } from './core/http/edge-errors.ts';
import { installIdempotency } from './core/http/idempotency.ts';
import { multipartParseError } from './core/http/multipart-errors.ts';
import { nulInUrl } from './core/http/nul-in-url.ts';
import { nestsDeeperThan, tooDeepReason, unstorableEscape } from './core/http/json-body-checks.ts';
import { trackRoutesForMethodCheck } from './core/http/method-not-allowed.ts';
import { installMetrics, type Metrics } from './core/http/metrics.ts';
import { installCors } from './core/http/cors.ts';
import { registerApiReference } from './core/http/api-reference.ts';
import { PACKAGE_VERSION } from './core/package-version.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BuiltServer {
  app: FastifyInstance;
  metrics: Metrics;
}

export async function buildServer(ctx: AppContext): Promise<BuiltServer> {
  const app = Fastify({
    loggerInstance: ctx.log,
    // Fastify's own per-request lines are replaced by one line from request-observer.ts.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: ctx.config.bodyLimits.json,
    // A caller's own x-request-id is kept when it is sane, so traces join up across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAM_LENGTH },
    forceCloseConnections: 'idle',
    // Requests refused before any route runs still get the envelope and a request id.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: clientErrorHandler(ctx.log),
    // Node's own answer to a missing Host is outside the envelope: the onRequest hook answers it.
    http: { requireHostHeader: false },
  });

  // Query strings, path parameters and headers arrive as text and are coerced to the schema's
  // types; JSON bodies are not: `"role": 7` where a string is expected is the caller's mistake.
  const coercing = createValidator({ coerceTypes: 'array' });
  const strict = createValidator({ coerceTypes: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

  app.decorateRequest('principal', null);
  // JSON endpoints take JSON only (415 otherwise, docs/api.md#body-limits-and-content-types):
  // Fastify's built-in text/plain parser would hand a string to the schema and answer a
  // puzzling 400. Routes that take other
  // types (YAML workspaces, multipart uploads, Meta's raw webhook bytes) add their parser in their own scope.
  app.removeContentTypeParser('text/plain');
  // JSON as Fastify parses it (prototype poisoning refused), except that text PostgreSQL cannot
  // store (\u0000, a lone surrogate) and nesting past 64 levels are a 400 here (json-body-checks.ts).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const unstorable = unstorableEscape(body as string);
    if (unstorable) return done(invalid('body', unstorable), undefined);
    if (nestsDeeperThan(body as string)) return done(invalid('body', tooDeepReason), undefined);
    // biome-ignore lint/nursery/noFloatingPromises: Fastify's parser answers through the callback and returns nothing
    parseJson(request, body as string, (err, parsed) => {
      noteBodySize(parsed, (body as string).length);
      done(err, parsed);
    });
  });

  const allowedMethods = trackRoutesForMethodCheck(app);
  const metrics = installMetrics(app, ctx.db);
  metrics.addGauge(
    'chakra_queue_jobs',
    'Queue messages waiting (created, retry) and running (active), by queue',
    ['queue', 'state'],
    async (g) => {
      g.reset();
      for (const s of await ctx.queue.sizes()) g.set({ queue: s.queue, state: s.state }, s.count);
    },
  );
  for (const area of AREAS) for (const g of area.gauges ?? []) metrics.addGauge(g.name, g.help, g.labels, (gauge) => g.collect(ctx, gauge));

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const refused = missingHostHeader(request) ?? nulInUrl(request);
    if (refused) {
      sendError(refused, request, reply);
      return;
    }
    done();
  });
  installCors(app, ctx.config.corsOrigins, allowedMethods);
  installAuth(app, ctx);
  installIdempotency(app, ctx.db);

  app.setErrorHandler((error, request, reply) => {
    const appError =
      multipartParseError(error as Error, request) ??
      toAppError(error as Error, request.routeOptions.bodyLimit ?? ctx.config.bodyLimits.json);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    // A gap in validation is still a bug to look at.
    else if (refusedValueState(error))
      request.log.warn(
        { err: { message: (error as Error).message, code: refusedValueState(error) } },
        'the database refused a value validation let through',
      );
    return sendError(appError, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods(path);
    const err =
      allowed.length > 0
        ? new AppError('METHOD_NOT_ALLOWED', { method: request.method, url: path, allowed: allowed.join(', ') })
        : new AppError('ROUTE_NOT_FOUND', { method: request.method, url: path });
    if (allowed.length > 0) err.headers.allow = allowed.join(', ');
    return sendError(err, request, reply);
  });

  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'chakra-server',
        version: PACKAGE_VERSION,
        description:
          'A self-hostable server that speaks the ChakraHQ external API. Authenticate with `Authorization: Bearer <API key>`. ' +
          'Operation ids are stable: generated clients may rely on them. Operations at older paths are deprecated and name the path to use.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: ctx.config.publicBaseUrl, description: 'This server, at its PUBLIC_BASE_URL' }],
      tags: AREAS.flatMap((area) => area.openapiTags ?? []),
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              "A team's API key, `Authorization: Bearer chk_…`. The first start prints the demo team's admin key (`Demo API key: chk_…`); " +
              'mint more with `npx chakra keys create --team <team> --role <role> --name <name>` or `POST /v1/admin/teams/{team}/api-keys`.',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'chakra_session',
            description:
              "A console session, set by `signIn`. Taken wherever an API key is, with the user's role; a POST, PUT, PATCH or " +
              'DELETE made with it must also carry the `X-CSRF-Token` header the sign-in answered with.',
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The value of `METRICS_TOKEN`, when the operator set one: only `/metrics` takes it.',
          },
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The system administrator token, the value of `CHAKRA_ADMIN_TOKEN`, also sent as `Authorization: Bearer <token>`. ' +
              'Not an API key: only the `/v1/admin/*` routes take it, for every team.',
          },
        },
      },
      security: [{ bearer: [] }, { sessionCookie: [] }],
    },
    transform: describeRoute,
    transformObject: (document) => nameComponents(document, { pathExamples: DEMO_PATH_EXAMPLES, origins: OPERATION_ORIGINS }),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await registerApiReference(app);
  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'none' } }, async () => app.swagger());

  for (const area of AREAS) if (area.routes) await app.register(area.routes(ctx, { metrics }));
  for (const area of AREAS) area.onServer?.(ctx, app);
  return { app, metrics };
}
