/**
 * Bodies that are not what they claim to be: broken JSON, JSON with duplicate keys or numbers
 * JavaScript cannot hold, bytes that are not UTF-8, and the wrong Content-Type for a body.
 */
import fc from 'fast-check';

export interface RawBody {
  bytes: Buffer;
  contentType?: string;
  note: string;
}

/** Edits of valid JSON text that make it invalid or ambiguous. */
const TEXT_DAMAGE: { note: string; apply: (json: string) => string }[] = [
  { note: 'truncated JSON', apply: (j) => j.slice(0, Math.max(1, Math.floor(j.length / 2))) },
  { note: 'trailing garbage', apply: (j) => `${j}}}]]` },
  { note: 'trailing comma', apply: (j) => j.replace(/}$/, ',}') },
  { note: 'single quotes', apply: (j) => j.replace(/"/g, "'") },
  { note: 'a comment', apply: (j) => `/* hi */${j}` },
  { note: 'byte order mark', apply: (j) => `\ufeff${j}` },
  { note: 'duplicate key', apply: (j) => j.replace(/^\{"([^"]+)":/, '{"$1":null,"$1":') },
  { note: 'duplicate __proto__ key', apply: (j) => j.replace(/^\{/, '{"__proto__":{"isAdmin":true},"__proto__":{},') },
  { note: 'constructor.prototype key', apply: (j) => j.replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},') },
  { note: 'escaped NUL', apply: (j) => j.replace(/^\{/, '{"\\u0000":"\\u0000",') },
  { note: 'escaped lone surrogate', apply: (j) => j.replace(/"([^"\\]*)"(?=[,}\]])/, '"$1\\ud800"') },
  { note: 'number over double range', apply: (j) => j.replace(/:\s*-?\d+(\.\d+)?/, ':1e400') },
  { note: 'number over 2^64', apply: (j) => j.replace(/:\s*-?\d+(\.\d+)?/, ':123456789012345678901234567890') },
  { note: 'raw control character', apply: (j) => j.replace(/"([^"\\]*)"/, '"$1\u0001\u001f"') },
  { note: 'NaN literal', apply: (j) => j.replace(/:\s*-?\d+(\.\d+)?/, ':NaN') },
];

const WHOLE_BODIES: RawBody[] = [
  { bytes: Buffer.from(''), contentType: 'application/json', note: 'empty body' },
  { bytes: Buffer.from('null'), contentType: 'application/json', note: 'null body' },
  { bytes: Buffer.from('[]'), contentType: 'application/json', note: 'array body' },
  { bytes: Buffer.from('"text"'), contentType: 'application/json', note: 'string body' },
  { bytes: Buffer.from('1e308'), contentType: 'application/json', note: 'number body' },
  { bytes: Buffer.from('{'), contentType: 'application/json', note: 'one brace' },
  { bytes: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), contentType: 'application/json', note: 'invalid UTF-8 in a key' },
  {
    bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
    contentType: 'application/json',
    note: 'overlong UTF-8 NUL',
  },
  { bytes: Buffer.from('{"a":1}', 'utf16le'), contentType: 'application/json; charset=utf-16', note: 'UTF-16 body' },
  { bytes: Buffer.from('{"a":"\u0000"}'), contentType: 'application/json', note: 'raw NUL byte' },
];

/** Content types a JSON endpoint does not take, and odd spellings of the one it does. */
const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/yaml',
  'application/octet-stream',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json ; charset=utf-8',
  'application/json, text/plain',
  'application/jsonx',
  '*/*',
  ';',
  'a'.repeat(300),
];

/** Damaged forms of a JSON body, given the valid-looking one. */
export function damagedJson(valid: unknown): fc.Arbitrary<RawBody> {
  const text = JSON.stringify(valid) ?? 'null';
  return fc.oneof(
    fc.constantFrom(...TEXT_DAMAGE).map((d) => ({ bytes: Buffer.from(d.apply(text)), contentType: 'application/json', note: d.note })),
    fc.constantFrom(...WHOLE_BODIES),
    fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.constant(undefined)).map((contentType) => ({
      bytes: Buffer.from(text),
      contentType,
      note: `JSON sent as ${contentType ?? 'no Content-Type'}`,
    })),
  );
}

/** YAML for the workspace endpoint: alias bombs, deep nesting, tags, merge keys. */
export const hostileYaml: fc.Arbitrary<RawBody> = fc
  .constantFrom(
    {
      note: 'YAML alias bomb',
      text: [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        ...Array.from(
          { length: 9 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
        ),
      ].join('\n'),
    },
    { note: 'YAML nested 10000 deep', text: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
    { note: 'YAML nested maps', text: `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1` },
    { note: 'YAML js tag', text: 'version: !!js/function "function(){ return 1 }"\nteams: []' },
    { note: 'YAML merge key and duplicate', text: 'base: &b {version: 1}\n<<: *b\nversion: 1\nversion: 2\nteams: []' },
    { note: 'YAML tabs and NUL', text: 'version:\t1\nteams: ["\\0"]' },
    { note: 'YAML huge number', text: 'version: 1e400\nteams: []' },
    { note: 'YAML __proto__', text: 'version: 1\n__proto__: {isAdmin: true}\nteams: []' },
    { note: 'YAML document stream', text: '--- {version: 1}\n--- {version: 2}' },
    { note: 'YAML unclosed quote', text: 'version: "1\nteams: []' },
  )
  .map(({ note, text }) => ({ bytes: Buffer.from(text), contentType: 'application/yaml', note }));
