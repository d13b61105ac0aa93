/**
 * multipart/form-data bodies for the upload endpoints: a valid image upload now and then (so
 * ids get used and 409s happen), and mostly broken ones — no closing boundary, an over-long
 * boundary, prototype-named fields, hostile file names, the wrong bytes.
 */
import fc from 'fast-check';
import { makePng } from '../helpers/images.ts';
import type { RawBody } from './raw-bodies.ts';

const PNG = makePng(2, 2);

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

function encode(boundary: string, parts: Part[], options: { close?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), p.data, Buffer.from('\r\n'));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const multipart = (boundary: string, parts: Part[], note: string, options: { close?: boolean; contentType?: string } = {}): RawBody => ({
  bytes: encode(boundary, parts, options),
  contentType: options.contentType ?? `multipart/form-data; boundary=${boundary}`,
  note,
});

const HOSTILE_FILENAMES = [
  '../../../etc/passwd',
  'a\u0000.png',
  '%00.png',
  '\u202egnp.exe',
  'x'.repeat(5000),
  '',
  'con.png',
  '"quoted".png',
  'é😀.png',
  '\ud800.png',
];
const FIELD_NAMES = ['__proto__', 'prototype', 'constructor', 'toString', 'photo[]', 'photo.x', '', 'x'.repeat(1000)];

/** One body for an upload whose file field is `fileField` (`photo` or `file`). */
export function uploadBody(fileField: string): fc.Arbitrary<RawBody> {
  const b = 'fuzzboundary';
  return fc.oneof(
    fc.constant(multipart(b, [{ name: fileField, filename: 'ok.png', contentType: 'image/png', data: PNG }], 'a valid PNG upload')),
    fc.constant(
      multipart(b, [{ name: fileField, filename: 'ok.png', contentType: 'image/png', data: PNG }], 'no closing boundary', { close: false }),
    ),
    fc.constant(multipart('b'.repeat(300), [{ name: fileField, filename: 'ok.png', data: PNG }], 'a 300-character boundary')),
    fc.constant(
      multipart(b, [{ name: fileField, filename: 'ok.png', data: PNG }], 'no boundary in Content-Type', {
        contentType: 'multipart/form-data',
      }),
    ),
    fc.constant(
      multipart(b, [{ name: fileField, filename: 'ok.png', data: PNG }], 'another boundary in Content-Type', {
        contentType: 'multipart/form-data; boundary=other',
      }),
    ),
    fc.constant(multipart(b, [], 'no parts')),
    fc.constant(multipart(b, [{ name: 'filename', data: Buffer.from('x.png') }], 'no file part')),
    fc.constant(multipart(b, [{ name: fileField, filename: 'a.png', data: Buffer.from('not an image') }], 'text as an image')),
    fc.constant(multipart(b, [{ name: fileField, filename: 'a.png', data: PNG.subarray(0, 20) }], 'a truncated PNG')),
    fc.constant(
      multipart(
        b,
        [
          { name: fileField, filename: 'a.png', data: PNG },
          { name: fileField, filename: 'b.png', data: PNG },
        ],
        'two files',
      ),
    ),
    fc.constant(
      multipart(
        b,
        Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })),
        '2000 fields',
      ),
    ),
    fc.constant({
      bytes: Buffer.from('--fuzzboundary\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n'),
      contentType: `multipart/form-data; boundary=${b}`,
      note: 'ends inside the headers',
    }),
    fc.constant({
      bytes: Buffer.from('garbage without any boundary'),
      contentType: `multipart/form-data; boundary=${b}`,
      note: 'no boundary in the body',
    }),
    fc
      .constantFrom(...HOSTILE_FILENAMES)
      .map((filename) =>
        multipart(
          b,
          [{ name: fileField, filename, contentType: 'image/png', data: PNG }],
          `file name ${JSON.stringify(filename.slice(0, 30))}`,
        ),
      ),
    fc.constantFrom(...FIELD_NAMES).map((name) =>
      multipart(
        b,
        [
          { name, data: Buffer.from('{"a":1}') },
          { name: fileField, filename: 'ok.png', data: PNG },
        ],
        `field named ${JSON.stringify(name.slice(0, 30))}`,
      ),
    ),
    fc.constantFrom('filename', 'filetype').chain((field) =>
      fc.constantFrom('\u0000', '../x', 'x'.repeat(5000), 'image/svg+xml', '\ud800').map((value) =>
        multipart(
          b,
          [
            { name: field, data: Buffer.from(value) },
            { name: fileField, filename: 'ok.png', data: PNG },
          ],
          `${field} ${JSON.stringify(value.slice(0, 20))}`,
        ),
      ),
    ),
    fc.constant({ bytes: PNG, contentType: 'image/png', note: 'a PNG sent as image/png, not multipart' }),
    fc.constant({ bytes: Buffer.from('{"photo":"x"}'), contentType: 'application/json', note: 'JSON to an upload endpoint' }),
  );
}
