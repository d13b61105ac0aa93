import { Type, type TSchema } from '@sinclair/typebox';

/** `{_data, _meta, _errors}` around a payload, as every non-pass-through response is. */
export function ok<T>(data: T, meta: Record<string, unknown> = {}) {
  return { _data: data, _meta: meta, _errors: [] as string[] };
}

/** The response schema of an enveloped payload; drives serialization and the OpenAPI document. */
export function Envelope(data: TSchema, meta: TSchema = Type.Object({}, { additionalProperties: true })) {
  return Type.Object({ _data: data, _meta: meta, _errors: Type.Array(Type.String()) });
}

export const ErrorBody = Type.Object(
  {
    _data: Type.Null(),
    _meta: Type.Object({
      code: Type.String(),
      requestId: Type.String(),
      details: Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
    }),
    _errors: Type.Array(Type.String(), { minItems: 1 }),
    message: Type.String(),
  },
  { $id: 'Error', description: 'Every error: `_errors` names the offending field; `message` repeats `_errors[0]`.' },
);
