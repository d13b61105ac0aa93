import { describe, expect, it } from 'vitest';
import { attributeDef, placeEntity, procedureDef, stateDef } from '../../../test/helpers/config-model.ts';
import type { StateDef } from '../config/model.ts';
import { assigneeRefs, compileWhere, MAX_WHERE_CONDITIONS, MAX_WHERE_GROUPS, MAX_WHERE_VALUES, type QueryScope } from './query.ts';

const state = (n: number, shortId: string, status: StateDef['status']) =>
  stateDef(`00000000-0000-4000-8000-00000000000${n}`, shortId, status, n);
const attributes = [
  attributeDef('lead', 'lead_id', 'stringId'),
  attributeDef('lead', 'score', 'integer'),
  attributeDef('lead', 'firstname', 'name'),
  attributeDef('lead', 'vip', 'boolean'),
  attributeDef('lead', 'followUp', 'datetime'),
  attributeDef('lead', 'tags', 'multiStringEnum'),
];
const procedure = procedureDef({
  shortId: 'lead',
  primaryKey: 'lead_id',
  entityId: 'place',
  attributes,
  states: [state(1, 'NEW', 'OPEN'), state(2, 'CONTACTED', 'OPEN'), state(3, 'WON', 'COMPLETED')],
});
const place = placeEntity();
const JOHN = 'bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c';
const scope: QueryScope = {
  procedure,
  entity: place,
  users: new Map([
    ['john@paisapay.com', JOHN],
    [JOHN, JOHN],
  ]),
};

/** The list query's own numbering: $1 and $2 are the team and the procedure. */
const FIRST_PARAM = 3;
const compile = (where: unknown) => compileWhere(where, scope, FIRST_PARAM);
const refusal = (where: unknown) => {
  try {
    compile(where);
  } catch (err) {
    return (err as { messages?: string[] }).messages;
  }
  throw new Error(`compiled: ${JSON.stringify(where)}`);
};

/**
 * One query of each kind the grammar has. The SQL they compile to is committed next to this
 * file, so that a change to the compiler shows in review as a change to the SQL it emits.
 */
const REPRESENTATIVE: unknown[] = [
  {},
  { score: 7 },
  { score: '7' },
  { score: { '>=': 5, '<': 9 } },
  { firstname: 'Asha' },
  { firstname: { '!=': 'Ravi' } },
  { firstname: 5 },
  { lead_id: ['LEAD-001', 'LEAD-002'] },
  { lead_id: [] },
  { vip: true },
  { followUp: { '>': '2026-01-01T00:00:00Z', '<=': 1798761600000 } },
  { state: 'CONTACTED', status: 'OPEN' },
  { state: { '!=': 'WON' } },
  { assignedTo: ['john@paisapay.com', 'nobody@example.com'] },
  { assignedTo: { '!=': JOHN } },
  { createdAt: { '>=': 1767225600000, '<': '2026-02-01T00:00:00.000Z' } },
  { updatedAt: ['2026-01-01T00:00:00Z'] },
  { nextActionAt: { '<=': 1767225600000 } },
  { 'record.city': 'Pune' },
  { 'record.code': { '>': 'P1' } },
  { and: [] },
  { or: [] },
  { status: 'OPEN', or: [{ score: { '>': 8 } }, { and: [{ state: 'NEW' }, { firstname: 'Asha' }] }] },
  { or: [{ vip: true }, {}] },
];

it('compiles each kind of query to the committed SQL', async () => {
  const text = REPRESENTATIVE.map((where) => {
    const { sql, params } = compile(where);
    const values = params.map((v, i) => `-- $${i + FIRST_PARAM} = ${JSON.stringify(v)}`);
    return [`-- where ${JSON.stringify(where)}`, sql, ...values].join('\n');
  }).join('\n\n');
  await expect(`${text}\n`).toMatchFileSnapshot('./__snapshots__/query.where.sql');
});

describe('compileWhere', () => {
  it('numbers its parameters from the one it is given, in the order they appear', () => {
    const where = { score: { '>': 1 }, firstname: ['a', 'b'] };
    const at1 = compileWhere(where, scope, 1);
    const at3 = compile(where);
    expect(at1.params).toEqual(at3.params);
    expect(at1.params).toEqual([1, ['a', 'b']]);
    expect(at1.sql).toContain('$1::numeric');
    expect(at1.sql).toContain('$2::text[]');
    expect(at3.sql).toBe(at1.sql.replace('$2', '$4').replace('$1', '$3'));
  });

  it('never puts a value in the SQL text', () => {
    const hostile = "x') or true; drop table processes; --";
    const { sql, params } = compile({ firstname: hostile, 'record.city': [hostile], lead_id: { '>': hostile } });
    expect(sql).not.toContain('drop table');
    expect(params.filter((p) => p === hostile || (Array.isArray(p) && p.includes(hostile)))).toHaveLength(3);
  });

  it('says equality on a process attribute also as jsonb containment, so the GIN index on data can answer it', () => {
    const { sql, params } = compile({ firstname: 'Asha' });
    expect(sql).toContain('p.data @> $4::jsonb');
    expect(params[1]).toBe('{"firstname":"Asha"}');
    // A record's attribute lives in r.data, which that index does not cover.
    expect(compile({ 'record.city': 'Pune' }).sql).not.toContain('@>');
  });

  it('converts values to the field: numbers from numeric text, times to ISO instants, users to ids (an unknown user to none)', () => {
    expect(compile({ score: '7' }).params).toEqual([7, '{"score":7}']);
    expect(compile({ firstname: 5 }).params).toEqual(['5', '{"firstname":"5"}']);
    expect(compile({ createdAt: 1767225600000 }).params).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(compile({ followUp: '2026-01-01T00:00:00Z' }).params).toEqual([1767225600000, '{"followUp":1767225600000}']);
    expect(compile({ state: 'WON' }).params).toEqual([procedure.states[2].id]);
    expect(compile({ assignedTo: ['john@paisapay.com', 'ghost'] }).params).toEqual([[JOHN, '00000000-0000-0000-0000-000000000000']]);
  });

  it('refuses what the grammar does not have, naming the place in the document', () => {
    const cases: [unknown, string][] = [
      [{ colour: 'red' }, 'where.colour: is not a field or attribute of lead'],
      [{ 'record.zip': '1' }, 'where.record.zip: is not an attribute of the place record'],
      [{ tags: 'x' }, 'where.tags: attributes of type multiStringEnum cannot be filtered on'],
      [{ score: { '~': 1 } }, 'where.score.~: unknown operator (operators: = != > >= < <=)'],
      [{ score: {} }, 'where.score: needs at least one operator (= != > >= < <=)'],
      [{ score: 'many' }, 'where.score: must be a number'],
      [{ score: null }, 'where.score: must be a value, an array of values or an operator object'],
      [{ score: [1, [2]] }, 'where.score[1]: must be a single value'],
      [{ score: { '>': [1] } }, 'where.score.>: must be a single value'],
      [{ vip: 'yes' }, 'where.vip: must be true or false'],
      [{ vip: { '>': true } }, 'where.vip.>: only = and != apply to this field'],
      [{ firstname: true }, 'where.firstname: must be a string'],
      [{ state: 'LOST' }, 'where.state: unknown state LOST (states of lead: NEW, CONTACTED, WON)'],
      [{ state: { '<': 'WON' } }, 'where.state.<: only = and != apply to this field'],
      [{ status: 'DONE' }, 'where.status: must be OPEN, COMPLETED or CANCELLED'],
      [{ assignedTo: 7 }, 'where.assignedTo: must be a username or a user id'],
      [{ createdAt: { '>=': 'yesterday' } }, 'where.createdAt.>=: must be epoch milliseconds or an ISO-8601 time'],
      [{ or: { score: 1 } }, 'where.or: must be an array of conditions'],
      [{ and: [{ score: 1 }, 'score'] }, 'where.and[1]: must be an object'],
      [[{ score: 1 }], 'where: must be an object'],
    ];
    for (const [where, message] of cases) expect(refusal(where), JSON.stringify(where)).toEqual([message]);
  });

  it('refuses documents past its bounds, and takes them at the bounds', () => {
    // Two conditions a document: the conditions reach their bound before the documents do.
    const conditions = (n: number) => ({ and: Array.from({ length: n / 2 }, (_, i) => ({ score: i, firstname: 'a' })) });
    expect(() => compile(conditions(MAX_WHERE_CONDITIONS))).not.toThrow();
    expect(refusal(conditions(MAX_WHERE_CONDITIONS + 2))).toEqual([`where: has more than ${MAX_WHERE_CONDITIONS} conditions`]);
    const groups = (n: number) => ({ or: Array.from({ length: n }, () => ({})) });
    expect(() => compile(groups(MAX_WHERE_GROUPS))).not.toThrow();
    expect(refusal(groups(MAX_WHERE_GROUPS + 1))).toEqual([`where: has more than ${MAX_WHERE_GROUPS} documents inside and/or`]);
    const values = (n: number) => ({ score: Array.from({ length: n }, (_, i) => i) });
    expect(() => compile(values(MAX_WHERE_VALUES))).not.toThrow();
    expect(refusal(values(MAX_WHERE_VALUES + 1))).toEqual([`where: lists more than ${MAX_WHERE_VALUES} values in all`]);
  });
});

describe('assigneeRefs', () => {
  it('finds every assignedTo value, in and/or too, to resolve before compiling', () => {
    const where = {
      assignedTo: 'john@paisapay.com',
      or: [{ assignedTo: ['a@x', 'b@x'] }, { and: [{ assignedTo: { '!=': 'c@x' } }] }],
      score: 'd@x',
    };
    expect(assigneeRefs(where)).toEqual(['john@paisapay.com', 'a@x', 'b@x', 'c@x']);
  });

  it('reads no further into a document than compiling would accept', () => {
    const deep = { or: Array.from({ length: MAX_WHERE_GROUPS + 50 }, (_, i) => ({ assignedTo: `u${i}` })) };
    expect(assigneeRefs(deep).length).toBeLessThanOrEqual(MAX_WHERE_GROUPS);
  });
});
