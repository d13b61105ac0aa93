/**
 * The demo workspace's procedures as examples/demo-workspace.yaml declares them, and values that
 * each attribute accepts: so that generated process data validates often enough to reach the
 * code behind validation (record linking, primary keys, tasks, sorting).
 */
import fc from 'fast-check';

export interface ProcedureFacts {
  shortId: string;
  /** Attribute shortIds. */
  attributes: string[];
  states: string[];
  primaryKey?: string;
  stateTasks: string[];
  /** Attributes a `sort` may name (numbers, text, dates, booleans). */
  sortable: string[];
}

const DEMO_PROCEDURES: ProcedureFacts[] = [
  {
    shortId: 'lead',
    attributes: [
      'lead_id',
      'firstname',
      'lastname',
      'score',
      'email',
      'phone_number',
      'source',
      'budget',
      'interested_in',
      'photo',
      'follow_up_on',
      'address',
    ],
    states: ['NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST'],
    primaryKey: 'lead_id',
    stateTasks: ['call', 'meeting'],
    sortable: ['score', 'firstname', 'lastname', 'budget', 'follow_up_on', 'lead_id'],
  },
  {
    shortId: 'ticket',
    attributes: ['ticket_no', 'subject', 'priority', 'description'],
    states: ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'],
    primaryKey: 'ticket_no',
    stateTasks: ['reply'],
    sortable: ['subject', 'priority', 'ticket_no'],
  },
  {
    shortId: 'fieldvisit',
    attributes: ['visit_at', 'location', 'photos', 'notes'],
    states: ['SCHEDULED', 'DONE', 'MISSED'],
    stateTasks: [],
    sortable: ['visit_at', 'notes'],
  },
];

export const procedureFacts = (shortId: string | undefined) => DEMO_PROCEDURES.find((p) => p.shortId === shortId);

/** What attribute values are drawn from: ids the fixtures created. */
export interface ValueSources {
  pkValues: string[];
  photoIds: string[];
  phones: string[];
}

/** A value the attribute accepts (mostly), by attribute shortId. */
export function attributeValue(name: string, v: ValueSources): fc.Arbitrary<unknown> {
  switch (name) {
    case 'lead_id':
    case 'ticket_no':
      return fc.oneof(
        fc.constantFrom(...v.pkValues),
        fc.nat({ max: 100_000 }).map((n) => `FZ-N-${n}`),
      );
    case 'score':
      return fc.integer({ min: -1000, max: 1000 });
    case 'priority':
      return fc.constantFrom(1, 2, 3);
    case 'budget':
      return fc.double({ min: 0, max: 1e6, noNaN: true });
    case 'email':
      return fc.emailAddress();
    case 'phone_number':
      return fc.constantFrom(...v.phones);
    case 'source':
      return fc.constantFrom('web', 'referral', 'walk_in', 'whatsapp');
    case 'interested_in':
      return fc.subarray(['loan', 'card', 'insurance']);
    case 'photo':
      return fc.constantFrom(...v.photoIds);
    case 'photos':
      return fc.subarray(v.photoIds);
    case 'follow_up_on':
    case 'visit_at':
      return fc.integer({ min: 0, max: 4_102_444_800_000 });
    case 'location':
      return fc.tuple(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }));
    case 'address':
      return fc.record({ line1: fc.string({ maxLength: 20 }), pincode: fc.constantFrom('411001', '560001') });
    default:
      return fc.string({ maxLength: 30 });
  }
}

/** A `data` object of some of the procedure's attributes. */
export function procedureData(
  p: ProcedureFacts,
  v: ValueSources,
  options: { withKey?: boolean } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const others = p.attributes.filter((a) => a !== p.primaryKey);
  return fc.tuple(fc.subarray(others, { maxLength: Math.min(4, others.length) }), fc.boolean()).chain(([chosen, key]) => {
    const names = options.withKey !== false && p.primaryKey && (key || options.withKey) ? [p.primaryKey, ...chosen] : chosen;
    return fc.record(Object.fromEntries(names.map((n) => [n, attributeValue(n, v)])));
  });
}

/** A `where` the process-list grammar accepts for this procedure. */
export function procedureWhere(p: ProcedureFacts, v: ValueSources): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...p.attributes, 'status', 'state', 'createdAt', 'updatedAt', 'record.city', 'constructor', 'record.__proto__'];
  const scalarFor = (k: string): fc.Arbitrary<unknown> =>
    k === 'status'
      ? fc.constantFrom('OPEN', 'COMPLETED', 'CANCELLED')
      : k === 'state'
        ? fc.constantFrom(...p.states)
        : k.endsWith('At')
          ? fc.integer({ min: 0, max: 4_102_444_800_000 })
          : attributeValue(k, v);
  const condition = (k: string) =>
    fc.oneof(
      scalarFor(k),
      fc.array(scalarFor(k), { minLength: 1, maxLength: 3 }),
      fc.dictionary(fc.constantFrom('=', '!=', '>', '>=', '<', '<='), scalarFor(k), { minKeys: 1, maxKeys: 2 }),
    );
  const flat = fc.subarray(keys, { maxLength: 3 }).chain((ks) => fc.record(Object.fromEntries(ks.map((k) => [k, condition(k)]))));
  return fc.oneof(
    flat,
    fc.tuple(flat, flat).map(([a, b]) => ({ or: [a, b] })),
    fc.tuple(flat, flat).map(([a, b]) => ({ and: [a, { or: [b] }] })),
  );
}
