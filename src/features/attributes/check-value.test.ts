import { describe, expect, it } from 'vitest';
import type { AttributeDef } from '../config/model.ts';
import { checkValue } from './check-value.ts';

let n = 0;
const attr = (type: string, extra: Partial<AttributeDef> = {}): AttributeDef => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  shortId: 'a',
  name: 'A',
  type,
  options: null,
  schema: null,
  isRequired: false,
  ownerKind: 'procedure',
  ownerId: 'p',
  ...extra,
});
const opts = (...values: (string | number)[]) => ({ options: values.map((value) => ({ value, label: String(value) })) });

/** [type, extra, input, expected value | Error(message)] */
const CASES: [string, Partial<AttributeDef>, unknown, unknown][] = [
  ['string', {}, 'x', 'x'],
  ['string', {}, 5, new Error('must be a string')],
  ['text', {}, 'long', 'long'],
  ['name', {}, 'Ted', 'Ted'],
  ['stringId', {}, 'LEAD-1', 'LEAD-1'],
  ['email', {}, 'a@b.co', 'a@b.co'],
  ['email', {}, 'a@b', new Error('must be an email address')],
  ['phone', {}, '+91 (99) 110-12345', '919911012345'],
  ['phone', {}, 919911012345, '919911012345'],
  ['phone', {}, '12345', new Error('must be a phone number of 7 to 15 digits')],
  ['url', {}, 'https://example.com/x', 'https://example.com/x'],
  ['url', {}, 'ftp://example.com', new Error('must be an http(s) URL')],
  ['integer', {}, 7, 7],
  ['integer', {}, '146', 146],
  ['integer', {}, '1.5', new Error('must be an integer')],
  ['integer', {}, 1.5, new Error('must be an integer')],
  ['number', {}, '-3', -3],
  ['integerId', {}, 12, 12],
  ['float', {}, '2.5', 2.5],
  ['float', {}, 'NaN', new Error('must be a number')],
  ['decimal', {}, 1e3, 1000],
  ['boolean', {}, false, false],
  ['boolean', {}, 'true', new Error('must be true or false')],
  ['stringEnum', opts('a', 'b'), 'b', 'b'],
  ['stringEnum', opts('a', 'b'), 'c', new Error('must be one of "a", "b"')],
  ['integerEnum', opts(1, 2), '2', 2],
  ['integerEnum', opts(1, 2), 3, new Error('must be one of 1, 2')],
  ['floatEnum', opts(0.5, 1.5), 1.5, 1.5],
  ['multiStringEnum', opts('a', 'b'), ['a', 'b'], ['a', 'b']],
  ['multiStringEnum', opts('a', 'b'), 'a', new Error('must be an array')],
  ['multiIntegerEnum', opts(1, 2), [1, 5], new Error('[1] must be one of 1, 2')],
  ['multiFloatEnum', opts(0.5), [0.5], [0.5]],
  ['multiString', {}, ['x', 'y'], ['x', 'y']],
  ['multiString', {}, ['x', 1], new Error('[1] must be a string')],
  ['date', {}, 1700000000000, 1700000000000],
  ['datetime', {}, '2026-01-02T03:04:05Z', Date.parse('2026-01-02T03:04:05Z')],
  ['datetime', {}, 'soon', new Error('must be epoch milliseconds or an ISO-8601 time')],
  ['time', {}, 3_600_000, 3_600_000],
  ['time', {}, 86_400_000, new Error('must be milliseconds since midnight (0 to 86399999)')],
  ['datetimeISO8601', {}, '2026-01-02T03:04:05+05:30', '2026-01-02T03:04:05+05:30'],
  ['datetimeISO8601', {}, 12, new Error('must be an ISO-8601 time')],
  ['photo', {}, 'F03EE609-CD2D-4E61-821D-9B0531E4AD8C', 'f03ee609-cd2d-4e61-821d-9b0531e4ad8c'],
  ['photo', {}, 'photo.png', new Error('must be a photo id')],
  ['multiPhotos', {}, ['f03ee609-cd2d-4e61-821d-9b0531e4ad8c'], ['f03ee609-cd2d-4e61-821d-9b0531e4ad8c']],
  [
    'externalObject',
    { schema: { type: 'object', required: ['pin'], properties: { pin: { type: 'string' } } } },
    { pin: '411001' },
    { pin: '411001' },
  ],
  [
    'externalObject',
    { schema: { type: 'object', required: ['pin'] } },
    { city: 'Pune' },
    new Error("does not match its schema: / must have required property 'pin'"),
  ],
  ['externalObject', { schema: {} }, [1], new Error('must be an object')],
  ['multiExternalObject', { schema: { type: 'object' } }, [{}, {}], [{}, {}]],
  ['geolocation', {}, [18.5, '73.8'], [18.5, 73.8]],
  ['geolocation', {}, [0, 181], new Error('longitude must be a number from -180 to 180')],
  ['geolocation', {}, { lat: 1, lng: 2 }, new Error('must be [latitude, longitude]')],
  ['user', {}, 'john@paisapay.com', 'john@paisapay.com'],
  ['user', {}, 5, new Error('must be a username or a user id')],
  ['json', {}, { any: ['thing'] }, { any: ['thing'] }],
  ['googleAddress', {}, { line1: 'x' }, { line1: 'x' }],
];

describe('checkValue', () => {
  for (const [type, extra, input, expected] of CASES) {
    it(`${type} ${JSON.stringify(input)} → ${expected instanceof Error ? `refused: ${expected.message}` : JSON.stringify(expected)}`, () => {
      const result = checkValue(attr(type, extra), input);
      if (expected instanceof Error) expect(result).toEqual({ ok: false, message: expected.message });
      else expect(result).toEqual({ ok: true, value: expected });
    });
  }
});
