/**
 * Text PostgreSQL can store. Its `text` and `jsonb` refuse the NUL character and unpaired UTF-16
 * surrogates, which JSON can carry as `\u0000` and `\ud800`; each becomes U+FFFD (the
 * replacement character), so one odd message is kept readable instead of failing its batch.
 */

/** NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one. */
const PATTERN = '\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(PATTERN);
const UNSTORABLE_ALL = new RegExp(PATTERN, 'g');

export function storableText(s: string): string {
  return UNSTORABLE.test(s) ? s.replace(UNSTORABLE_ALL, '\uFFFD') : s;
}

/** A parsed JSON value with every string, keys included, made storable (untouched when already so). */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storableJson) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[storableText(k)] = storableJson(v);
  return out as T;
}
