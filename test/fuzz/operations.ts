/**
 * The operations to fuzz, read from the server's own `/openapi.json`: what each takes (path
 * parameters, query, body and its content types) and what it declares it answers.
 */

import { resolve } from './schema-values.ts';

export type JsonSchema = Record<string, any>;

export interface Parameter {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export interface Operation {
  /** `METHOD /template`, the key every report line uses. */
  id: string;
  method: string;
  /** The path template with `{name}` placeholders. */
  template: string;
  pathParams: Parameter[];
  query: Parameter[];
  /** JSON Schema of the JSON (or YAML) body, when the operation takes one. */
  body?: { schema: JsonSchema; contentTypes: string[]; required: boolean };
  /** Takes multipart/form-data (photo and media uploads): fuzzed by multipart-bodies.ts, not as JSON. */
  multipart: boolean;
  /**
   * Answers Meta's body and status unwrapped (docs/whatsapp.md, "Message templates"): its errors
   * may be Meta's `{"error": {...}}` rather than our envelope.
   */
  passThrough: boolean;
  /** Needs no key (health, signed links, public media, Meta's webhook). */
  public: boolean;
  /** Declared responses: status → JSON schema of an application/json body (undefined: not JSON). */
  responses: Map<string, JsonSchema | undefined>;
  /** JSON Pointer of each declared JSON response schema inside the document, for Ajv. */
  responsePointers: Map<string, string>;
}

/** Operations answered by Meta's bytes, as docs/whatsapp.md lists them. */
const PASS_THROUGH = [/^\/v1\/ext\/plugin\/whatsapp\/api\/\{ver\}\//];

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function readOperations(doc: JsonSchema): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params: any[] = op.parameters ?? [];
      const content: Record<string, any> = op.requestBody?.content ?? {};
      const multipart = 'multipart/form-data' in content;
      const contentTypes = multipart ? [] : Object.keys(content);
      const responses = new Map<string, JsonSchema | undefined>();
      const responsePointers = new Map<string, string>();
      for (const [status, declared] of Object.entries<Record<string, any>>(op.responses ?? {})) {
        // A shared error response is a `$ref` to components.responses.
        const response = resolve(declared, doc);
        const schema = response.content?.['application/json']?.schema;
        responses.set(status, schema && resolve(schema, doc));
        const at = declared.$ref ? String(declared.$ref) : `#/paths/${escapePointer(template)}/${method}/responses/${status}`;
        if (schema) responsePointers.set(status, `${at}/content/application~1json/schema`);
      }
      operations.push({
        id: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {}, required: true })),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {}, required: !!p.required })),
        body: contentTypes.length
          ? { schema: resolve(content[contentTypes[0]].schema ?? {}, doc), contentTypes, required: !!op.requestBody.required }
          : undefined,
        multipart,
        passThrough: PASS_THROUGH.some((r) => r.test(template)),
        public: Array.isArray(op.security) && op.security.length === 0,
        responses,
        responsePointers,
      });
    }
  }
  return operations;
}
