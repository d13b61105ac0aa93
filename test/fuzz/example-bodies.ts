/**
 * Bodies each operation accepts, as the docs show them: the base the mutations damage, so that a
 * mutated request differs from a working one by one thing. The OpenAPI schema alone cannot give
 * these where the real rules live elsewhere (a procedure's attributes, Meta's message shapes, the
 * sandbox's templates).
 */
import fc from 'fast-check';
import { procedureData, procedureWhere, type ProcedureFacts } from './demo-procedures.ts';
import { PROTOTYPE_KEYS } from './hostile-values.ts';
import type { Pools } from './fixtures.ts';
import type { Operation } from './operations.ts';

export function exampleBody(op: Operation, procedure: ProcedureFacts | undefined, p: Pools): fc.Arbitrary<unknown> | undefined {
  const t = op.template;
  const m = op.method;
  if (procedure) {
    const data = procedureData(procedure, p);
    if (m === 'POST' && /\/process$/.test(t)) {
      return fc.record(
        {
          data: procedureData(procedure, p, { withKey: true }),
          state: fc.constantFrom(...procedure.states),
          assignedTo: fc.constantFrom(...p.usernames),
          record: fc.constant({ data: { city: 'Pune' } }),
        },
        { requiredKeys: ['data'] },
      );
    }
    if (m === 'PUT')
      return fc.record(
        { data, state: fc.constantFrom(...procedure.states), nextActionAt: fc.integer({ min: 0, max: 4_102_444_800_000 }) },
        { requiredKeys: [] },
      );
    if (t.endsWith('/process/list')) {
      // Now and then a field named after a property of every object: it must not pick a column.
      const sortField = fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom('createdAt', 'updatedAt', 'nextActionAt', ...procedure.sortable) },
        { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
      );
      return fc.record(
        {
          where: procedureWhere(procedure, p),
          limit: fc.integer({ min: 1, max: 100 }),
          skip: fc.integer({ min: 0, max: 50 }),
          sort: fc.array(fc.record({ field: sortField, order: fc.constantFrom('asc', 'desc') }), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: [] },
      );
    }
    if (m === 'PATCH') {
      const ids = p.processes.filter((x) => x.procedure === procedure.shortId).map((x) => x.id);
      const item = fc.record({
        id: fc.constantFrom(...(ids.length ? ids : p.processIds)),
        update: fc.record({ data, state: fc.constantFrom(...procedure.states) }, { requiredKeys: [] }),
      });
      return fc.array(item, { minLength: 1, maxLength: 3 }).map((processes) => ({ processes }));
    }
    if (t.endsWith('/bulk-create'))
      return fc.array(fc.record({ data: procedureData(procedure, p, { withKey: true }) }), { minLength: 1, maxLength: 5 });
    if (t.includes('/task/'))
      return fc.record(
        {
          data: fc.record({ remarks: fc.string({ maxLength: 30 }) }),
          status: fc.constantFrom('OPEN', 'COMPLETED'),
          title: fc.string({ maxLength: 20 }),
        },
        { requiredKeys: [] },
      );
  }
  if (t.endsWith('/send-template-message')) {
    const pnid = p.phoneNumberIds[0];
    return fc.constantFrom(
      {
        whatsappPhoneNumberId: pnid,
        templateName: 'order_update',
        language: 'en',
        mapping: [
          { schemaPropertyName: '1', schemaPropertyValue: 'Asha' },
          { schemaPropertyName: '2', schemaPropertyValue: 'A-1' },
        ],
      },
      { whatsappPhoneNumberId: pnid, templateName: 'hello_world', language: 'en_US' },
      {
        whatsappPhoneNumberId: pnid,
        templateName: 'christmas_promo_23',
        imageUrl: 'https://cdn.example.org/a.png',
        mapping: [
          { schemaPropertyName: '1', schemaPropertyValue: 'A' },
          { schemaPropertyName: '2', schemaPropertyValue: '10%' },
        ],
        buttonMapping: [{ schemaPropertyName: '0', schemaPropertyValue: 'x' }],
      },
    );
  }
  if (t.endsWith('/messages')) {
    return fc.constantFrom(
      { messaging_product: 'whatsapp', to: '919900112233', type: 'text', text: { body: 'hello' } },
      {
        messaging_product: 'whatsapp',
        to: '919900112233',
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      },
      { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.FUZZ1' },
    );
  }
  if (t.endsWith('/message_templates') && m === 'POST') {
    return fc
      .nat({ max: 1000 })
      .map((n) => ({ name: `fuzz_${n}`, language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello {{1}}' }] }));
  }
  if (t === '/v1/ext/plugin/whatsapp/api/{ver}/{templateId}')
    return fc.constant({ components: [{ type: 'BODY', text: 'Hello again {{1}}' }] });
  if (t === '/v1/admin/workspace') {
    // Only additions to the demo team: a run must not take its own key's privileges away.
    return fc.nat({ max: 1000 }).map((n) => ({
      version: 1,
      teams: [
        {
          shortId: 'demo',
          name: 'Demo Company',
          procedures: [
            {
              shortId: `fz${n}`,
              name: `Fuzz ${n}`,
              entity: 'customer',
              attributes: [{ shortId: 'x', name: 'X', type: 'string' }],
              states: [{ shortId: 'A', name: 'A', status: 'OPEN', default: 'start' }],
            },
          ],
        },
      ],
    }));
  }
  return undefined;
}
