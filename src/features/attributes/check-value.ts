/**
 * Checks one attribute value against its type (docs/compatibility.md#attribute-values) and returns
 * the value to store, or the reason it is refused. Pure and synchronous: references that need
 * the database (users, photos) are only checked for shape here and resolved by the caller.
 */
import { isUuid } from '../../core/uuid.ts';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { AttributeDef } from '../config/model.ts';

export type Checked = { ok: true; value: unknown } | { ok: false; message: string };

const ok = (value: unknown): Checked => ({ ok: true, value });
const no = (message: string): Checked => ({ ok: false, message });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DAY_MS = 86_400_000;

function integer(v: unknown): Checked {
  if (typeof v === 'string' && INTEGER_TEXT.test(v.trim())) v = Number(v.trim());
  return typeof v === 'number' && Number.isSafeInteger(v) ? ok(v) : no('must be an integer');
}

function float(v: unknown): Checked {
  if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) v = Number(v.trim());
  return typeof v === 'number' && Number.isFinite(v) ? ok(v) : no('must be a number');
}

const string = (v: unknown): Checked => (typeof v === 'string' ? ok(v) : no('must be a string'));

/** Epoch milliseconds, or an ISO-8601 time converted to them. */
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: what every client and the database agree on. */
const EARLIEST_MS = -62_135_596_800_000;
const LATEST_MS = 253_402_300_799_999;

export function epochMs(v: unknown): Checked {
  let t: number;
  if (typeof v === 'string' && !INTEGER_TEXT.test(v.trim())) {
    t = Date.parse(v);
    if (Number.isNaN(t)) return no('must be epoch milliseconds or an ISO-8601 time');
  } else {
    const n = integer(v);
    if (!n.ok) return no('must be epoch milliseconds or an ISO-8601 time');
    t = n.value as number;
  }
  return t < EARLIEST_MS || t > LATEST_MS ? no('must be a time between the years 1 and 9999') : ok(t);
}

/** Phone numbers are kept as digits with country code: `+91 99-11…` → `9199…`, 7–15 digits. */
export function phoneDigits(v: unknown): Checked {
  if (typeof v === 'number' && Number.isSafeInteger(v)) v = String(v);
  if (typeof v !== 'string') return no('must be a phone number');
  const digits = v.replace(/[\s().+-]/g, '');
  return /^\d{7,15}$/.test(digits) ? ok(digits) : no('must be a phone number of 7 to 15 digits');
}

function option(attr: AttributeDef, v: unknown, kind: 'string' | 'integer' | 'number'): Checked {
  const converted = kind === 'string' ? string(v) : kind === 'integer' ? integer(v) : float(v);
  const values = (attr.options ?? []).map((o) => o.value);
  if (converted.ok && values.includes(converted.value as string | number)) return converted;
  return no(`must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
}

function list(v: unknown, each: (item: unknown) => Checked): Checked {
  if (!Array.isArray(v)) return no('must be an array');
  const out = [];
  for (const [i, item] of v.entries()) {
    const c = each(item);
    if (!c.ok) return no(`[${i}] ${c.message}`);
    out.push(c.value);
  }
  return ok(out);
}

const schemaAjv = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(schemaAjv as any);
const compiled = new Map<string, ValidateFunction>();

function externalObject(attr: AttributeDef, v: unknown): Checked {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return no('must be an object');
  let validate = compiled.get(attr.id);
  if (!validate) {
    validate = schemaAjv.compile(attr.schema ?? {});
    compiled.set(attr.id, validate);
  }
  if (validate(v)) return ok(v);
  const e = validate.errors![0];
  return no(`does not match its schema: ${e.instancePath || '/'} ${e.message}`);
}

export function checkValue(attr: AttributeDef, v: unknown): Checked {
  switch (attr.type) {
    case 'string':
    case 'text':
    case 'name':
    case 'stringId':
      return string(v);
    case 'email':
      return typeof v === 'string' && EMAIL.test(v) ? ok(v) : no('must be an email address');
    case 'phone':
      return phoneDigits(v);
    case 'url': {
      if (typeof v === 'string' && /^https?:\/\/\S+$/i.test(v)) {
        try {
          new URL(v);
          return ok(v);
        } catch {
          // fall through
        }
      }
      return no('must be an http(s) URL');
    }
    case 'integer':
    case 'number':
    case 'integerId':
      return integer(v);
    case 'float':
    case 'decimal':
      return float(v);
    case 'boolean':
      return typeof v === 'boolean' ? ok(v) : no('must be true or false');
    case 'stringEnum':
      return option(attr, v, 'string');
    case 'integerEnum':
      return option(attr, v, 'integer');
    case 'floatEnum':
      return option(attr, v, 'number');
    case 'multiStringEnum':
      return list(v, (x) => option(attr, x, 'string'));
    case 'multiIntegerEnum':
      return list(v, (x) => option(attr, x, 'integer'));
    case 'multiFloatEnum':
      return list(v, (x) => option(attr, x, 'number'));
    case 'multiString':
      return list(v, string);
    case 'date':
    case 'datetime':
      return epochMs(v);
    case 'time': {
      const n = integer(v);
      return n.ok && (n.value as number) >= 0 && (n.value as number) < DAY_MS
        ? n
        : no('must be milliseconds since midnight (0 to 86399999)');
    }
    case 'datetimeISO8601':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? ok(v) : no('must be an ISO-8601 time');
    case 'photo':
      return isUuid(v) ? ok(v.toLowerCase()) : no('must be a photo id');
    case 'multiPhotos':
      return list(v, (x) => (isUuid(x) ? ok(x.toLowerCase()) : no('must be a photo id')));
    case 'externalObject':
      return externalObject(attr, v);
    case 'multiExternalObject':
      return list(v, (x) => externalObject(attr, x));
    case 'geolocation': {
      if (!Array.isArray(v) || v.length !== 2) return no('must be [latitude, longitude]');
      const [lat, lng] = v.map(float);
      if (!lat.ok || (lat.value as number) < -90 || (lat.value as number) > 90) return no('latitude must be a number from -90 to 90');
      if (!lng.ok || (lng.value as number) < -180 || (lng.value as number) > 180) return no('longitude must be a number from -180 to 180');
      return ok([lat.value, lng.value]);
    }
    case 'user':
      return typeof v === 'string' && v.length > 0 ? ok(v) : no('must be a username or a user id');
    default:
      // json and every other documented type name: any JSON value, stored as given.
      return ok(v);
  }
}
