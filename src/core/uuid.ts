const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A uuid in its canonical text form, any letter case (ids in paths and bodies are compared lowercased). */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
