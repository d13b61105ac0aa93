import { describe, expect, it } from 'vitest';
import { attributeDef, placeEntity, procedureDef, stateDef } from '../../../test/helpers/config-model.ts';
import type { TeamConfig } from '../config/model.ts';
import { checkCreateItem, checkUpdateItem } from './bulk-items.ts';

const attributesOf = (owner: string) => [
  attributeDef(owner, 'lead_id', 'stringId'),
  attributeDef(owner, 'score', 'integer'),
  attributeDef(owner, 'firstname', 'name'),
];
const STATES = [
  stateDef('state-NEW', 'NEW', 'OPEN', 0),
  stateDef('state-CONTACTED', 'CONTACTED', 'OPEN', 1),
  stateDef('state-WON', 'WON', 'COMPLETED', 2),
];
const procedure = (shortId: string, primaryKey: string | null, entityId: string | null) =>
  procedureDef({ shortId, primaryKey, entityId, attributes: attributesOf(shortId), states: STATES });
const place = placeEntity();

/** `lead`: primary key lead_id, linked to `place` records; `note`: neither. */
const lead = procedure('lead', 'lead_id', 'place');
const note = procedure('note', null, null);
const config = { entities: [place], procedures: [lead, note] } as unknown as TeamConfig;

const failure = (checked: { ok: true } | { ok: false; message: string }) => (checked.ok ? undefined : checked.message);

describe('checkCreateItem', () => {
  it('accepts the body the create endpoint takes, with its values checked and the start state', () => {
    const checked = checkCreateItem(config, lead, {
      data: { lead_id: 'LEAD-1', score: '7' },
      record: { data: { code: 'P1', city: 'Pune' } },
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.prepared.state.shortId).toBe('NEW');
    expect(checked.prepared.status).toBe('OPEN');
    expect(checked.prepared.checks.map((c) => [c.path, c.check.values])).toEqual([
      ['data', { lead_id: 'LEAD-1', score: 7 }],
      ['record.data', { code: 'P1', city: 'Pune' }],
    ]);
  });

  it('a state given brings its status unless the status is given too', () => {
    const won = checkCreateItem(config, lead, { data: { lead_id: 'L2' }, state: 'WON' });
    const cancelled = checkCreateItem(config, lead, { data: { lead_id: 'L3' }, state: 'WON', status: 'CANCELLED' });
    expect(won.ok && [won.prepared.state.shortId, won.prepared.status]).toEqual(['WON', 'COMPLETED']);
    expect(cancelled.ok && cancelled.prepared.status).toBe('CANCELLED');
  });

  it('fails an item with the text the endpoint would answer: schema problems, then the rules', () => {
    expect(failure(checkCreateItem(config, lead, { data: { lead_id: 'L4' }, colour: 'red' }))).toBe('colour: is not a known field');
    expect(failure(checkCreateItem(config, lead, { data: { lead_id: 'L4' }, status: 'DONE' }))).toBe(
      'status: must be one of "OPEN", "COMPLETED", "CANCELLED"',
    );
    expect(failure(checkCreateItem(config, lead, [{ data: {} }]))).toBe('body: must be object');
    expect(failure(checkCreateItem(config, lead, { data: { lead_id: 'L4', score: 'many' } }))).toBe('data.score: must be an integer');
    expect(failure(checkCreateItem(config, lead, { data: { lead_id: 'L4' }, state: 'LOST' }))).toBe(
      'state: unknown state LOST (states of lead: NEW, CONTACTED, WON)',
    );
    expect(failure(checkCreateItem(config, note, { data: {}, record: { data: { code: 'P1' } } }))).toBe(
      'record: procedure note has no entity to link a record of',
    );
    expect(failure(checkCreateItem(config, lead, { data: { lead_id: 'L4' }, nextActionAt: 'soon' }))).toBe(
      'nextActionAt: must be epoch milliseconds or an ISO-8601 time',
    );
  });

  it('refuses a primary-key value too long to address in a path', () => {
    expect(failure(checkCreateItem(config, lead, { data: { lead_id: 'L'.repeat(1001) } }))).toBe(
      'data.lead_id: is a primary key: at most 1000 characters',
    );
  });
});

describe('checkUpdateItem', () => {
  it('addresses the process by id, with the changes under update', () => {
    const checked = checkUpdateItem(lead, { id: 'p-1', update: { data: { score: 3 }, state: 'CONTACTED' } });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.target).toEqual({ id: 'p-1' });
    expect(checked.changes).toEqual({ data: { score: 3 }, state: 'CONTACTED' });
    expect(checked.prepared.state?.shortId).toBe('CONTACTED');
  });

  it('addresses it by primary-key value, numbers as their text, with the changes flat on the item', () => {
    const checked = checkUpdateItem(lead, { lead_id: 42, data: { score: 3 } });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.target).toEqual({ pkValue: '42' });
    // The key addresses the process; it is not one of the changes.
    expect(checked.changes).toEqual({ data: { score: 3 } });
  });

  it('refuses an item that names its process both by id and by primary key', () => {
    expect(failure(checkUpdateItem(lead, { id: 'p-1', lead_id: 'L1', update: { data: {} } }))).toBe(
      'lead_id: is not a known field (give the changes under update, or flat without update)',
    );
  });

  it('takes a soft delete', () => {
    const checked = checkUpdateItem(lead, { lead_id: 'L1', update: { isDeleted: true } });
    expect(checked.ok && checked.changes).toEqual({ isDeleted: true });
  });

  it('fails an item that addresses no process, naming what is missing', () => {
    expect(failure(checkUpdateItem(lead, { update: { data: { score: 1 } } }))).toBe('id: is required (or the primary key lead_id)');
    expect(failure(checkUpdateItem(note, { data: {} }))).toBe('id: is required (or the primary key — procedure note has none)');
    expect(failure(checkUpdateItem(lead, { lead_id: null, update: {} }))).toBe('id: is required (or the primary key lead_id)');
    expect(failure(checkUpdateItem(lead, { id: 7, update: {} }))).toBe('id: must be a string');
    expect(failure(checkUpdateItem(lead, { lead_id: { '=': 'L1' }, update: {} }))).toBe('lead_id: must be a string or a number');
  });

  it('fails changes the update endpoint would refuse, with its text', () => {
    expect(failure(checkUpdateItem(lead, { id: 'p-1', update: { colour: 'red' } }))).toBe('colour: is not a known field');
    expect(failure(checkUpdateItem(lead, { id: 'p-1', update: { isDeleted: 'yes' } }))).toBe('isDeleted: must be boolean');
    expect(failure(checkUpdateItem(lead, { id: 'p-1', update: { data: { score: 1.5 } } }))).toBe('data.score: must be an integer');
    expect(failure(checkUpdateItem(lead, { id: 'p-1', update: { data: { lead_id: null } } }))).toBe(
      'data.lead_id: the primary key cannot be cleared',
    );
    expect(failure(checkUpdateItem(lead, { id: 'p-1', update: { state: 'LOST' } }))).toBe(
      'state: unknown state LOST (states of lead: NEW, CONTACTED, WON)',
    );
  });
});
