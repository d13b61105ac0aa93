/**
 * Attribute type names (docs/workspace.md#attribute-types). The first
 * group is validated by type; the second is accepted and stored as JSON.
 */
const VALIDATED_TYPES = {
  string: 'string',
  text: 'string',
  name: 'string',
  email: 'string',
  phone: 'string',
  url: 'string',
  stringId: 'string',
  integer: 'integer',
  number: 'integer',
  integerId: 'integer',
  float: 'float',
  decimal: 'float',
  boolean: 'boolean',
  stringEnum: 'json',
  integerEnum: 'json',
  floatEnum: 'json',
  multiStringEnum: 'json',
  multiIntegerEnum: 'json',
  multiFloatEnum: 'json',
  multiString: 'json',
  date: 'integer',
  datetime: 'integer',
  time: 'integer',
  datetimeISO8601: 'string',
  photo: 'string',
  multiPhotos: 'string', // ChakraHQ's documented datatype, though the value is an array of photo ids
  externalObject: 'json',
  multiExternalObject: 'json',
  geolocation: 'json',
  user: 'string',
  json: 'json',
} as const;

const STORED_AS_JSON_TYPES = [
  'audio',
  'document',
  'multiDocuments',
  'customObject',
  'multiCustomObject',
  'googleAddress',
  'monthOfYear',
  'booking',
  'cart',
  'booleanText',
  'html',
  'otp',
  'username',
  'record',
  'recordCollection',
  'process',
  'processCollection',
  'task',
  'taskCollection',
  'state',
  'status',
  'formula',
  'query',
  'script',
] as const;

export type AttributeType = keyof typeof VALIDATED_TYPES | (typeof STORED_AS_JSON_TYPES)[number];

const ALL = new Set<string>([...Object.keys(VALIDATED_TYPES), ...STORED_AS_JSON_TYPES]);

export function isKnownAttributeType(type: string): type is AttributeType {
  return ALL.has(type);
}

export function datatypeOf(type: string): string {
  if (type === 'audio') return 'string'; // ChakraHQ's documented datatype (docs/workspace.md#attribute-types)
  return (VALIDATED_TYPES as Record<string, string>)[type] ?? 'json';
}

export const ENUM_TYPES: Record<string, 'string' | 'integer' | 'number'> = {
  stringEnum: 'string',
  integerEnum: 'integer',
  floatEnum: 'number',
  multiStringEnum: 'string',
  multiIntegerEnum: 'integer',
  multiFloatEnum: 'number',
};

export const SCHEMA_TYPES = new Set(['externalObject', 'multiExternalObject']);

export const ALL_ATTRIBUTE_TYPES = [...ALL];
