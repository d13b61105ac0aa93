/**
 * Valid-looking values for a JSON Schema from the OpenAPI document, so that requests get past
 * the first check and reach the code behind it. Field names the server resolves against its
 * data (a primary key, a state, a username) draw from the ids the fixtures created.
 */
import fc from 'fast-check';
import type { JsonSchema } from './operations.ts';

/** Values to use for a property of this name instead of what its schema alone would give. */
export type FieldHints = (key: string) => fc.Arbitrary<unknown> | undefined;

const MAX_DEPTH = 6;

/** Resolves a local `$ref` (`#/components/schemas/Error`) inside the document. */
export function resolve(schema: JsonSchema, doc: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) {
    const pointer = String(s.$ref).replace(/^#\//, '').split('/');
    s = pointer.reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return s ?? {};
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.constantFrom('https://example.com/hook', 'http://127.0.0.1:9/x', 'https://cdn.example.org/a.png');
  }
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 200));
    } catch {
      // A pattern fast-check cannot generate from: fall back to plain text.
    }
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 24, 24)) });
}

function numberFor(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1000);
  if (integer) return fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(Math.max(min, max), 2 ** 31) });
  return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true });
}

/** A value the schema accepts (as far as a generator can tell without the server's own rules). */
export function valueForSchema(schema: JsonSchema, doc: JsonSchema, hints: FieldHints, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (depth > MAX_DEPTH) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives) && alternatives.length)
    return fc.oneof(...alternatives.map((a: JsonSchema) => valueForSchema(a, doc, hints, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length) return valueForSchema(s.allOf[0], doc, hints, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return numberFor(s, true);
    case 'number':
      return numberFor(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 3, 3));
      return fc.array(valueForSchema(s.items ?? {}, doc, hints, depth + 1), { minLength, maxLength });
    }
    case 'object':
    case undefined: {
      const properties: Record<string, JsonSchema> = s.properties ?? {};
      const names = Object.keys(properties);
      if (names.length === 0) {
        if (type === undefined) return fc.oneof(fc.string(), fc.integer(), fc.boolean());
        // A free-form object (process `data`, Meta's message): a few scalar fields.
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 10 }),
          fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()),
          { maxKeys: 3 },
        );
      }
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const name of names) record[name] = hints(name) ?? valueForSchema(properties[name], doc, hints, depth + 1);
      return fc.record(record, { requiredKeys: (s.required ?? []).filter((r: string) => names.includes(r)) });
    }
    default:
      return fc.constant(null);
  }
}
