/**
 * Builds Meta's `template` message from a ChakraHQ send request and the template's definition
 * (docs/whatsapp.md#template-sends): body parameters from `mapping` (positional `"1"`, `"2"`…
 * in numeric order, or named), header text/image/video/document/location, URL / quick-reply /
 * copy-code buttons from `buttonMapping` (name = button index), and `otpCode` for
 * authentication templates.
 * Every parameter is checked against the template first: a missing or extra one is a 400 that
 * names it, a template not APPROVED a 422 — Meta is never called with a request it would refuse.
 */
import { AppError, invalid } from '../../core/errors.ts';

interface TemplateButton {
  type: string;
  text?: string;
  url?: string;
}

interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: TemplateButton[];
}

export interface TemplateDef {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: string;
  components: TemplateComponent[];
}

interface Mapping {
  schemaPropertyName: string;
  schemaPropertyValue: string;
}

export interface TemplateSendInput {
  mapping?: Mapping[];
  headerMapping?: Mapping[];
  buttonMapping?: Mapping[];
  imageUrl?: string;
  videoUrl?: string;
  documentUrl?: string;
  filename?: string;
  locationLatitude?: number | string;
  locationLongitude?: number | string;
  locationName?: string;
  locationAddress?: string;
  otpCode?: string;
}

/** Empty strings and zeros (what the n8n node sends for blank fields) count as absent. */
const given = <T>(v: T | '' | 0 | null | undefined): v is T => v !== undefined && v !== null && v !== '' && v !== 0 && v !== '0';

const placeholders = (text: unknown) => [
  ...new Set([...(typeof text === 'string' ? text : '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1])),
];

function valuesOf(field: string, mapping: Mapping[] | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const [i, m] of (mapping ?? []).entries()) {
    if (!m || typeof m.schemaPropertyName !== 'string') throw invalid(`${field}[${i}].schemaPropertyName`, 'is required');
    const value = m.schemaPropertyValue === undefined || m.schemaPropertyValue === null ? '' : String(m.schemaPropertyValue);
    if (value !== '') values.set(m.schemaPropertyName.trim(), value);
  }
  return values;
}

/** The parameters a piece of template text needs, in Meta's order, from the given values. */
function fill(field: string, where: string, names: string[], values: Map<string, string>, named: boolean) {
  const missing = names.filter((n) => !values.has(n));
  if (missing.length)
    throw invalid(
      field,
      `is missing ${missing.map((n) => `"${n}"`).join(', ')} for the ${where} (it needs ${names.map((n) => `"${n}"`).join(', ')})`,
    );
  const extra = [...values.keys()].filter((n) => !names.includes(n));
  if (extra.length) {
    throw invalid(
      field,
      `has ${extra.map((n) => `"${n}"`).join(', ')}, which the ${where} does not use (it needs ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'none'})`,
    );
  }
  const ordered = named ? names : [...names].sort((a, b) => Number(a) - Number(b));
  return ordered.map((n) => (named ? { type: 'text', parameter_name: n, text: values.get(n)! } : { type: 'text', text: values.get(n)! }));
}

const render = (text: unknown, values: Map<string, string>) =>
  (typeof text === 'string' ? text : '').replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => values.get(name) ?? whole);

export function buildTemplateMessage(
  to: string,
  template: TemplateDef,
  input: TemplateSendInput,
): { message: Record<string, unknown>; text: string } {
  if (template.status !== 'APPROVED') {
    throw new AppError('UNPROCESSABLE', {
      path: 'templateName',
      reason: `template ${template.name} (${template.language}) is ${template.status}, not APPROVED`,
    });
  }
  const named = template.parameter_format === 'NAMED';
  const auth = template.category === 'AUTHENTICATION';
  // Meta's definitions are data from outside: any field may be missing or of another type.
  const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : '');
  const find = (type: string) => (Array.isArray(template.components) ? template.components : []).find((c) => upper(c?.type) === type);
  const components: Record<string, unknown>[] = [];

  // Header
  const header = find('HEADER');
  const format = upper(header?.format);
  const media = {
    IMAGE: ['imageUrl', input.imageUrl],
    VIDEO: ['videoUrl', input.videoUrl],
    DOCUMENT: ['documentUrl', input.documentUrl],
  } as const;
  for (const [kind, [field, value]] of Object.entries(media)) {
    if (given(value) && format !== kind) throw invalid(field, `template ${template.name} has no ${kind.toLowerCase()} header`);
  }
  const hasLocation = given(input.locationLatitude) || given(input.locationLongitude);
  if (hasLocation && format !== 'LOCATION') throw invalid('locationLatitude', `template ${template.name} has no location header`);
  const headerValues = valuesOf('headerMapping', input.headerMapping);
  if (format === 'TEXT') {
    const params = fill('headerMapping', 'header', placeholders(header!.text), headerValues, named);
    if (params.length) components.push({ type: 'header', parameters: params });
  } else {
    if (headerValues.size) throw invalid('headerMapping', `template ${template.name} has no text header to fill`);
    if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
      const [field, link] = media[format];
      if (!given(link))
        throw invalid(
          field,
          `is required: template ${template.name} has ${format === 'IMAGE' ? 'an' : 'a'} ${format.toLowerCase()} header`,
        );
      const object: Record<string, string> = { link };
      if (format === 'DOCUMENT' && given(input.filename)) object.filename = input.filename;
      components.push({ type: 'header', parameters: [{ type: format.toLowerCase(), [format.toLowerCase()]: object }] });
    } else if (format === 'LOCATION') {
      const latitude = Number(input.locationLatitude);
      const longitude = Number(input.locationLongitude);
      if (!given(input.locationLatitude) || !Number.isFinite(latitude) || Math.abs(latitude) > 90) {
        throw invalid('locationLatitude', `is required (-90 to 90): template ${template.name} has a location header`);
      }
      if (!given(input.locationLongitude) || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
        throw invalid('locationLongitude', `is required (-180 to 180): template ${template.name} has a location header`);
      }
      const location: Record<string, unknown> = { latitude, longitude };
      if (given(input.locationName)) location.name = input.locationName;
      if (given(input.locationAddress)) location.address = input.locationAddress;
      components.push({ type: 'header', parameters: [{ type: 'location', location }] });
    }
  }

  // Body
  const body = find('BODY');
  const bodyNames = placeholders(body?.text);
  let bodyValues: Map<string, string>;
  if (auth) {
    if (!given(input.otpCode)) throw invalid('otpCode', `is required: template ${template.name} is an authentication template`);
    if (valuesOf('mapping', input.mapping).size) throw invalid('mapping', `is not used by authentication templates (send otpCode)`);
    bodyValues = new Map(bodyNames.map((n) => [n, input.otpCode!]));
  } else {
    if (given(input.otpCode)) throw invalid('otpCode', `template ${template.name} is not an authentication template`);
    bodyValues = valuesOf('mapping', input.mapping);
  }
  const bodyParams = fill('mapping', 'body', bodyNames, bodyValues, named);
  if (bodyParams.length) components.push({ type: 'body', parameters: bodyParams });

  // Buttons
  const listed = find('BUTTONS')?.buttons;
  const buttons = Array.isArray(listed) ? listed : [];
  const buttonValues = valuesOf('buttonMapping', input.buttonMapping);
  const used = new Set<string>();
  for (const [index, button] of buttons.entries()) {
    const key = String(index);
    const type = upper(button?.type);
    if (type === 'OTP' || (auth && type === 'URL')) {
      components.push({ type: 'button', sub_type: 'url', index: key, parameters: [{ type: 'text', text: input.otpCode! }] });
    } else if (type === 'URL' && placeholders(button.url).length) {
      if (!buttonValues.has(key))
        throw invalid(
          'buttonMapping',
          `is missing "${key}" for button ${key} (${typeof button.text === 'string' ? button.text : 'URL'}), whose link has a parameter`,
        );
      components.push({ type: 'button', sub_type: 'url', index: key, parameters: [{ type: 'text', text: buttonValues.get(key)! }] });
      used.add(key);
    } else if (type === 'QUICK_REPLY' && buttonValues.has(key)) {
      components.push({
        type: 'button',
        sub_type: 'quick_reply',
        index: key,
        parameters: [{ type: 'payload', payload: buttonValues.get(key)! }],
      });
      used.add(key);
    } else if (type === 'COPY_CODE') {
      if (!buttonValues.has(key)) throw invalid('buttonMapping', `is missing "${key}" for button ${key}, a copy-code button`);
      components.push({
        type: 'button',
        sub_type: 'copy_code',
        index: key,
        parameters: [{ type: 'coupon_code', coupon_code: buttonValues.get(key)! }],
      });
      used.add(key);
    }
  }
  const extra = [...buttonValues.keys()].filter((k) => !used.has(k));
  if (extra.length)
    throw invalid('buttonMapping', `has ${extra.map((k) => `"${k}"`).join(', ')}, which no button of template ${template.name} takes`);

  return {
    message: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: { name: template.name, language: { code: template.language }, ...(components.length ? { components } : {}) },
    },
    text: render(body?.text, bodyValues),
  };
}
