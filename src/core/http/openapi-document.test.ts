import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { describeRoute, named, nameComponents } from './openapi-document.ts';

const documentWith = (schemas: unknown[]) => ({
  openapiObject: {
    components: {},
    paths: Object.fromEntries(
      schemas.map((schema, i) => [`/p${i}`, { get: { responses: { 200: { content: { 'application/json': { schema } } } } } }]),
    ),
  },
});

describe('nameComponents', () => {
  it('moves a titled schema to components and refers to it from every use', () => {
    const Thing = named('Thing', Type.Object({ a: Type.String() }));
    const doc = nameComponents(documentWith([Thing, Type.Array(Thing)]));
    expect(doc.components.schemas.Thing).toMatchObject({ title: 'Thing', properties: { a: { type: 'string' } } });
    expect(doc.paths['/p0'].get.responses[200].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(doc.paths['/p1'].get.responses[200].content['application/json'].schema.items).toEqual({ $ref: '#/components/schemas/Thing' });
  });

  it('refuses two different shapes under one title', () => {
    const one = named('Thing', Type.Object({ a: Type.String() }));
    const other = named('Thing', Type.Object({ b: Type.String() }));
    expect(() => nameComponents(documentWith([one, other]))).toThrow(/two different schemas are titled Thing/);
  });

  it('leaves titles inside examples alone', () => {
    const body = { type: 'object', properties: {}, examples: [{ title: 'Chief' }] };
    const doc = nameComponents(documentWith([body]));
    expect(doc.components.schemas).toEqual({});
  });
});

describe('describeRoute', () => {
  const route = (method: string, idempotent: boolean) => ({ method, url: '/x', handler: () => {}, config: { idempotent } }) as never;

  it('adds 409 and the Idempotency-Key header to an idempotent route, 413 and 415 to one with a body', () => {
    const schema = { body: Type.Object({}), response: { 200: Type.Object({}) } };
    const { schema: described } = describeRoute({ schema, url: '/x', route: route('POST', true) });
    expect(Object.keys(described.response).sort()).toEqual(['200', '409', '413', '415']);
    expect(described.headers.properties['idempotency-key']).toMatchObject({ type: 'string' });
    // The route's own schema, which validates requests, is not changed.
    expect(Object.keys(schema.response)).toEqual(['200']);
  });

  it('adds nothing to a read-only route', () => {
    const schema = { response: { 200: Type.Object({}) } };
    const { schema: described } = describeRoute({ schema, url: '/x', route: route('GET', false) });
    expect(Object.keys(described.response)).toEqual(['200']);
    expect(described.headers).toBeUndefined();
  });
});
