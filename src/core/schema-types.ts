/** Schema pieces every area uses, declared once (TypeBox: validation, serialization and OpenAPI from one declaration). */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });

export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Union([schema, Type.Null()], options);

/** One of the given strings: `{type: string, enum}` in JSON Schema and OpenAPI, the union of them in TypeScript. */
export function StringEnum<const V extends string>(values: readonly [V, ...V[]], options: { description?: string } = {}): TUnsafe<V> {
  return Type.Unsafe<V>({ type: 'string', enum: [...values], ...options });
}

/** A process's or task's status. */
export const Status = StringEnum(['OPEN', 'COMPLETED', 'CANCELLED']);
