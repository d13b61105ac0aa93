/** Schema pieces every area uses, declared once (TypeBox: validation, serialization and OpenAPI from one declaration). */
import { Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One of the given strings; in OpenAPI an `anyOf` of constants, which generated clients type as a union. */
export function StringEnum<const V extends string>(
  values: readonly [V, ...V[]],
  options: { description?: string } = {},
): TUnion<TLiteral<V>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

/** A process's or task's status. */
export const Status = StringEnum(['OPEN', 'COMPLETED', 'CANCELLED']);
