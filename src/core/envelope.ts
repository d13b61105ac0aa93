import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CATALOGUE, type ErrorCode } from './errors.ts';
import { StringEnum } from './schema-types.ts';

/** `{_data, _meta, _errors}` around a payload, as every non-pass-through response is. */
export function ok<T>(data: T, meta: Record<string, unknown> = {}) {
  return { _data: data, _meta: meta, _errors: [] as string[] };
}

/** The response schema of an enveloped payload; drives serialization and the OpenAPI document. */
export function Envelope(data: TSchema, meta: TSchema = Type.Object({}, { additionalProperties: true })) {
  // Named after what it carries (`ProcessEnvelope`, `ProcessListEnvelope`), so that the document
  // lists it once as a component (core/http/openapi-document.ts).
  const carried = data.title ?? (data.type === 'array' && data.items?.title ? `${data.items.title}List` : undefined);
  const names = carried === undefined ? {} : { title: `${carried}Envelope`, description: `\`_data\` is ${article(carried)}` };
  return Type.Object({ _data: data, _meta: meta, _errors: Type.Array(Type.String()) }, names);
}

function article(name: string): string {
  if (name.endsWith('List')) return `a list of ${name.slice(0, -4)}`;
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

export const ErrorBody = Type.Object(
  {
    _data: Type.Null(),
    _meta: Type.Object({
      code: StringEnum(Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]], { description: 'docs/errors.md lists every code' }),
      requestId: Type.String(),
      details: Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
    }),
    _errors: Type.Array(Type.String(), { minItems: 1 }),
    message: Type.String(),
    error: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: "Meta's own error object, when Meta refused a call we passed on" }),
    ),
  },
  { $id: 'Error', description: 'Every error: `_errors` names the offending field; `message` repeats `_errors[0]`.' },
);
