/**
 * What turns the route schemas into the OpenAPI document a client generator wants
 * (docs/api.md#the-openapi-document). The route schemas stay as they are for validation and
 * serialization; only the document is reshaped:
 *
 * - A schema declared with a `title` is one named shape: it moves to `components.schemas` under
 *   that title and every use becomes a `$ref`. Two different shapes under one title are a bug,
 *   caught when the document is built.
 * - Each route's error responses follow what the server does: an idempotent route can answer
 *   409, a route with a body 413 and 415; every error response is a shared
 *   `components.responses` entry whose description lists the catalogue's codes at that status.
 * - Descriptions open with the operation's provenance; request bodies and path parameters carry
 *   examples for the demo workspace (a test sends each).
 */
import type { TSchema } from '@sinclair/typebox';
import type { RouteOptions } from 'fastify';
import { isDeepStrictEqual } from 'node:util';
import { ERROR_CATALOGUE } from '../errors.ts';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// JSON Schema keywords whose values are schemas (everything else, examples included, is data).
const SUBSCHEMAS = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
]);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  414: 'UriTooLong',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  431: 'HeadersTooLarge',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const ErrorRef = { $ref: 'Error' };
const DOCUMENTED_BODY = 'x-documented-body';

/** Per route, before conversion: the error statuses the server's own hooks add to it. */
export function describeRoute({ schema, url, route }: { schema: Json; url: string; route: RouteOptions }) {
  if (!schema || schema.hide || !schema.response) return { schema, url };
  const methods = ([] as string[]).concat(route.method);
  const response: Json = { ...schema.response };
  const { [DOCUMENTED_BODY]: documented, ...rest } = schema;
  if (documented) Object.assign(rest, { body: documented.schema, consumes: [documented.mediaType] });
  const hasBody = rest.body !== undefined;
  if (hasBody) Object.assign(response, { 413: ErrorRef, 415: ErrorRef });
  const idempotent = (route.config as { idempotent?: boolean } | undefined)?.idempotent && methods.some((m) => MUTATING.has(m));
  if (idempotent) response[409] = ErrorRef;
  const described: Json = { ...rest, response };
  if (idempotent) {
    described.headers = {
      type: 'object',
      properties: {
        'idempotency-key': {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          description:
            'Send the same key again to retry safely: the first answer is replayed for 24 hours instead of the request running twice (docs/api.md#idempotency).',
        },
        ...schema.headers?.properties,
      },
    };
  }
  return { schema: described, url };
}

/**
 * After conversion, the whole document: named schemas hoisted, error responses shared, each
 * description opened by where the operation comes from (`origins`, by operationId), path
 * parameters given the example values `pathExamples` names, and the examples left to the
 * canonical operation when a deprecated older path takes the same body.
 */
export function nameComponents(
  document: object,
  context: { pathExamples?: Record<string, string>; origins?: Record<string, string> } = {},
): Json {
  const { pathExamples = {}, origins = {} } = context;
  const doc = (document as { openapiObject: Json }).openapiObject;
  const schemas: Json = { ...doc.components.schemas };
  const responses: Json = { ...doc.components.responses };
  const hoist = (schema: unknown): unknown => {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
    const copy: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      if (SCHEMA_MAPS.has(k)) copy[k] = Object.fromEntries(Object.entries<unknown>(v).map(([name, s]) => [name, hoist(s)]));
      else if (SCHEMA_LISTS.has(k) || (k === 'items' && Array.isArray(v))) copy[k] = (v as unknown[]).map(hoist);
      else if (SUBSCHEMAS.has(k)) copy[k] = hoist(v);
      else copy[k] = v;
    }
    if (typeof copy.title !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(copy.title)) return copy;
    // A body's examples are shown with the operation (its media type), not with the shape.
    delete copy.examples;
    const existing = schemas[copy.title];
    if (existing !== undefined && !isDeepStrictEqual(existing, copy)) {
      throw new Error(`OpenAPI: two different schemas are titled ${copy.title}; give one another title`);
    }
    schemas[copy.title] = copy;
    return { $ref: `#/components/schemas/${copy.title}` };
  };
  const hoistContent = (holder: Json | undefined) => {
    for (const media of Object.values<Json>(holder?.content ?? {})) if (media.schema) media.schema = hoist(media.schema);
  };
  for (const item of Object.values<Json>(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const origin = origins[String(op.operationId).replace(/LegacyPath$/, '')];
      if (origin) op.description = op.description ? `${origin}\n\n${op.description}` : origin;
      for (const parameter of op.parameters ?? []) {
        if (parameter.schema) parameter.schema = hoist(parameter.schema);
        if (parameter.in === 'path' && parameter.example === undefined && Object.hasOwn(pathExamples, parameter.name))
          parameter.example = pathExamples[parameter.name];
      }
      if (op.deprecated) for (const media of Object.values<Json>(op.requestBody?.content ?? {})) delete media.example;
      hoistContent(op.requestBody);
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        hoistContent(response);
        const code = Number(status);
        if (code < 400 || !isErrorResponse(response)) continue;
        const name = STATUS_NAMES[code];
        if (name === undefined) throw new Error(`OpenAPI: ${op.operationId} declares ${code}, which has no shared response name`);
        responses[name] ??= errorResponse(code);
        op.responses[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  doc.components.schemas = sortedByKey(schemas);
  doc.components.responses = sortedByKey(responses);
  return doc;
}

function isErrorResponse(response: Json): boolean {
  return response.content?.['application/json']?.schema?.$ref === '#/components/schemas/Error';
}

function errorResponse(status: number): Json {
  const codes = Object.entries(ERROR_CATALOGUE)
    .filter(([, entry]) => entry.status === status)
    .map(([code, entry]) => `\`${code}\` (${entry.message})`);
  if (codes.length === 0) throw new Error(`OpenAPI: no error in the catalogue has status ${status}`);
  return {
    description: `\`_meta.code\` is one of: ${codes.join('; ')}. docs/errors.md explains each.`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

function sortedByKey(object: Json): Json {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A schema that becomes the named component `title` in the document (validation is unchanged).
 * `examples` of a request body are shown with each operation that takes it, and sent by
 * test/openapi-examples.test.ts against the demo workspace: they must work as written.
 */
export function named<T extends TSchema>(title: string, schema: T, extra: { examples?: unknown[] } = {}): T {
  return { ...schema, title, ...extra };
}

/** A success response's description in the document (`x-response-description`, which Fastify's serializer ignores). */
export function describedAs<T extends TSchema>(description: string, schema: T): T {
  return { ...schema, 'x-response-description': description };
}

/** A response of bytes, for the document: such routes send a buffer or stream, which Fastify does not serialize. */
export function fileAnswer(description: string, mediaType = 'application/octet-stream') {
  return { description, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } };
}

/**
 * A request body for the document only, for a route that reads its body itself (an upload's
 * parts, bytes whose signature is checked): Fastify must not validate it as a JSON body.
 */
export function documentedBody(mediaType: string, schema: object) {
  return { [DOCUMENTED_BODY]: { mediaType, schema } };
}

/** An upload's multipart fields (core/http/file-upload.ts reads them). */
export function multipartBody(title: string, fields: Record<string, TSchema>, required: string[], description: string) {
  return documentedBody('multipart/form-data', { title, type: 'object', properties: fields, required, description });
}

/** A file part of a multipart body. */
export const FilePart = { type: 'string', format: 'binary' } as unknown as TSchema;
