/** The changes of a Meta webhook body (`entry[].changes[]`), read once for processing and forwarding. */
export type Json = Record<string, any>;

export interface Change {
  /** entry.id: the WABA the change belongs to. */
  wabaId: string | null;
  field: unknown;
  value: Json;
  /** entry.time, when Meta gives one: tells a new template update from a redelivered one. */
  time: unknown;
}

/** Every change whose value is an object, with its WABA. */
export function changesOf(body: Json): Change[] {
  return (Array.isArray(body.entry) ? body.entry : []).flatMap((entry: Json) =>
    (Array.isArray(entry?.changes) ? entry.changes : [])
      .filter((c: Json) => typeof c?.value === 'object' && c.value !== null)
      .map((c: Json) => ({
        wabaId: typeof entry.id === 'string' ? entry.id : null,
        field: c.field,
        value: c.value as Json,
        time: entry.time ?? null,
      })),
  );
}
