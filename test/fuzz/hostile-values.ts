/**
 * The values a careless or hostile client sends: strings that break encodings or look like
 * code, numbers at the edges of every numeric type, keys that name `Object.prototype`.
 */
import fc from 'fast-check';

/** Text that encodings, databases and terminals each handle differently. */
export const UNICODE_EDGES = [
  '\ud800', // a lone high surrogate: JSON can carry it, UTF-8 and jsonb cannot
  '\udfff', // a lone low surrogate
  'a\ud83dz', // half an emoji in the middle of text
  '\u0000', // NUL: PostgreSQL text refuses it
  'a\u0000b',
  '\u202e' + 'txt.exe', // right-to-left override
  '\u200f\u200e', // RTL and LTR marks
  '\ufeff', // byte order mark
  '\uffff\ufffe', // noncharacters
  '\u2028\u2029', // line and paragraph separators (break JavaScript string literals)
  'e\u0301\u0301\u0301', // stacked combining marks
  '👩‍👩‍👧‍👦', // one grapheme, many code points
  '𝕳𝖊𝖑𝖑𝖔', // astral plane: two UTF-16 units per character
  'ß'.toUpperCase() + 'İ'.toLowerCase(), // case mappings that change the length
  '\t\r\n\u000b\f',
  ' ',
  '',
];

/** Strings shaped like SQL, templates, paths and shell: none of them may be interpreted. */
export const INJECTIONS = [
  "' or 1=1 --",
  "'; drop table processes; --",
  '" or ""="',
  '$1',
  '$$',
  '\\',
  '%s%s%s%n',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
  '${7*7}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '`id`',
  '; ls -la',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
];

/** Keys that are properties of every JavaScript object. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
];

/** Numbers at the edges of JavaScript's, JSON's and PostgreSQL's ranges. */
export const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  1e21, // the first number JavaScript prints in exponent form
  1.7976931348623157e308,
];

/** Numbers as text, for strings a server might coerce. */
export const NUMERIC_STRINGS = [
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '1e309',
  '9223372036854775808',
  '-9223372036854775809',
  '0x10',
  '1_000',
  ' 1',
  '1.',
  '.5',
  '١٢٣',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...NUMERIC_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // Long text: over every column width and index limit a schema might have forgotten.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', '😀', '\u0000', "'"), fc.constantFrom(101, 256, 1001, 10_000, 100_000))
      .map(([c, n]) => c.repeat(n)),
  },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer() },
);

/** A key for an object: sometimes a prototype property, sometimes an injection or odd text. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('a.b', 'record.x', 'data', 'id', 'team', 'where', 'or', 'and', '$where', '$gt', '=', '>=') },
);

/** Any JSON value, biased towards the hostile ones above. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }) },
  ),
})).value;
