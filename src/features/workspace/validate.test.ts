import { describe, expect, it } from 'vitest';
import { validateWorkspace } from './validate.ts';

const withSchema = (schema: object) => ({
  version: 1,
  teams: [
    {
      shortId: 't',
      name: 'T',
      procedures: [
        {
          shortId: 'p',
          name: 'P',
          attributes: [{ shortId: 'addr', name: 'Address', type: 'externalObject', schema }],
          states: [{ shortId: 'S', name: 'S', status: 'OPEN', default: 'start' }],
        },
      ],
    },
  ],
});
const problems = (schema: object) => {
  try {
    validateWorkspace(withSchema(schema));
    return [];
  } catch (err) {
    return (err as { messages: string[] }).messages;
  }
};

describe('externalObject schemas', () => {
  it('refuses a pattern with nested repetition, naming where it is', () => {
    expect(problems({ type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } })).toEqual([
      'teams[0].procedures[0].attributes[0].schema.properties.code.pattern: may take exponential time to match (a repeated group that repeats): simplify it',
    ]);
    expect(problems({ type: 'object', patternProperties: { '^(x*)*$': { type: 'string' } } })[0]).toMatch(
      /schema\.patternProperties: may take/,
    );
    expect(problems({ type: 'array', items: [{ type: 'string', pattern: '(ab*)*c' }] })[0]).toMatch(
      /schema\.items\[0\]\.pattern: may take/,
    );
  });

  it('takes ordinary patterns, and a "pattern" that is only a property name or a value', () => {
    expect(problems({ type: 'object', properties: { pincode: { type: 'string', pattern: '^[0-9]{6}$' } } })).toEqual([]);
    expect(problems({ type: 'object', properties: { pattern: { type: 'string', enum: ['(a+)+'] } } })).toEqual([]);
  });
});
