/**
 * Path parameters and query strings: real ids often enough to get past the 404s, otherwise
 * traversal, NUL, malformed percent-escapes, over-long segments and values that look like ids.
 */
import fc from 'fast-check';
import { INJECTIONS, NUMERIC_STRINGS, PROTOTYPE_KEYS, UNICODE_EDGES, hostileString } from './hostile-values.ts';
import type { Parameter } from './operations.ts';

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD first). */
export function encodeSegment(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Segments sent exactly as written: what an attacker puts on the wire, not what a client encodes. */
const RAW_SEGMENTS = [
  '..',
  '.',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e',
  '..%5C..%5C',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80', // an encoded lone surrogate: invalid UTF-8
  '%FF%FE',
  '%F0%9F%98%80',
  '%2F',
  '%20',
  '%0D%0ASet-Cookie:%20x=1',
  ';jsessionid=1',
  '%3Fa=1',
  '%23frag',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '{00000000-0000-4000-8000-000000000000}',
];

/** A path segment: from the pool (valid ids) with probability about 0.6, else hostile. */
export function pathSegment(pool: string[]): fc.Arbitrary<{ segment: string; hostile: boolean }> {
  const hostile = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES, ...PROTOTYPE_KEYS, ...NUMERIC_STRINGS), hostileString)
        .map(encodeSegment),
    },
    // Over-long: around Fastify's parameter limit, the primary-key limit (1,000) and far beyond.
    { weight: 2, arbitrary: fc.constantFrom(100, 101, 257, 1000, 1001, 4000, 9000).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.uuid().map((u) => u) },
  );
  const arbitraries: fc.WeightedArbitrary<{ segment: string; hostile: boolean }>[] = [
    // Never empty: `/webhooks/` is another route (the list), not a hostile id.
    { weight: 4, arbitrary: hostile.filter((segment) => segment.length > 0).map((segment) => ({ segment, hostile: true })) },
  ];
  if (pool.length)
    arbitraries.push({ weight: 6, arbitrary: fc.constantFrom(...pool).map((v) => ({ segment: encodeSegment(v), hostile: false })) });
  return fc.oneof(...arbitraries);
}

/** A query value for a declared parameter: a plausible one, or a hostile one. */
function queryValue(param: Parameter): fc.Arbitrary<string> {
  const s = param.schema;
  const plausible: fc.Arbitrary<string> =
    s.type === 'integer' || s.type === 'number'
      ? fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 100, 1000) }).map(String)
      : Array.isArray(s.enum)
        ? fc.constantFrom(...s.enum.map(String))
        : Array.isArray(s.anyOf) && s.anyOf.every((a: any) => Array.isArray(a.enum))
          ? fc.constantFrom(...s.anyOf.flatMap((a: any) => a.enum.map(String)))
          : s.type === 'boolean'
            ? fc.constantFrom('true', 'false')
            : fc.string({ maxLength: 10 });
  return fc.oneof(
    { weight: 3, arbitrary: plausible.map(encodeSegment) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...NUMERIC_STRINGS, '1e308', '-1', '99999999999999999999', '9223372036854775808', '%00', '%', '')
        .map((v) => (v.startsWith('%') ? v : encodeSegment(v))),
    },
    { weight: 1, arbitrary: hostileString.map(encodeSegment) },
  );
}

/** A whole query string (with its `?`), or '' — declared parameters, repeats, brackets, strangers. */
export function queryString(params: Parameter[]): fc.Arbitrary<string> {
  const pairs: fc.Arbitrary<string[]>[] = params.map((p) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      { weight: 4, arbitrary: queryValue(p).map((v) => [`${p.name}=${v}`]) },
      // Repeated, bracketed and nested forms: `skip=1&skip=2`, `skip[a]=1`, `skip[]=1`.
      { weight: 1, arbitrary: fc.tuple(queryValue(p), queryValue(p)).map(([a, b]) => [`${p.name}=${a}`, `${p.name}=${b}`]) },
      { weight: 1, arbitrary: fc.constantFrom('[a]', '[]', '[__proto__]', '.a', '%5Ba%5D').map((suffix) => [`${p.name}${suffix}=1`]) },
    ),
  );
  const strangers = fc.array(
    fc
      .oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom('where', 'async', 'fields', 'access_token', 'a'.repeat(2000)))
      .map((k) => `${encodeSegment(k)}=1`),
    { maxLength: 2 },
  );
  const oddPiece = fc.option(fc.constantFrom('&&', '=', '&=&', 'a', '%'), { freq: 8 });
  return fc.tuple(fc.tuple(...pairs), strangers, oddPiece).map(([declared, extra, odd]) => {
    const all = [...declared.flat(), ...extra];
    if (odd !== null) all.push(odd);
    return all.length ? `?${all.join('&')}` : '';
  });
}
