/**
 * The console's filter builder model (web/src/screens/filters.ts): what the builder writes is the
 * list call's `where`, and a `where` it wrote (or one of the same shapes) reads back into the same
 * conditions, so a filter in the address or a saved view opens in the builder as it was built.
 */
import { describe, expect, it } from 'vitest';
import { emptyGroup, fromWhere, type Group, toWhere } from '../web/src/screens/filters.ts';

describe('the filter builder model', () => {
  it('round-trips nested groups, any-of lists and operators', () => {
    for (const where of [
      { and: [{ score: { '>=': 5 } }, { or: [{ source: 'web' }, { state: ['NEW', 'QUALIFIED'] }] }] },
      { or: [{ and: [{ score: { '>': 1 } }, { score: { '<': 9 } }] }, { 'record.city': 'Pune' }] },
      { and: [{ assignedTo: 'john@paisapay.com' }, { createdAt: { '>=': '2026-12-01T00:00:00.000Z' } }, { status: { '!=': 'OPEN' } }] },
    ]) {
      expect(toWhere(fromWhere(where)!)).toEqual(where);
    }
  });

  it('reads a hand-written document of sibling keys as "all of" them', () => {
    const group = fromWhere({ state: 'NEW', score: { '>=': 3, '<': 8 } })!;
    expect(toWhere(group)).toEqual({ and: [{ state: 'NEW' }, { score: { '>=': 3 } }, { score: { '<': 8 } }] });
  });

  it('leaves out conditions still waiting for a value, and an empty builder asks nothing', () => {
    const group: Group = {
      type: 'group',
      join: 'and',
      items: [
        { type: 'condition', field: 'state', op: '=', value: '' },
        { type: 'condition', field: 'source', op: 'any', value: [] },
        { type: 'condition', field: 'score', op: '>', value: 2 },
        emptyGroup('or'),
      ],
    };
    expect(toWhere(group)).toEqual({ and: [{ score: { '>': 2 } }] });
    expect(toWhere(emptyGroup())).toBeNull();
  });

  it('refuses what it cannot show (an unknown operator, a non-object)', () => {
    expect(fromWhere({ score: { '~': 1 } })).toBeNull();
    expect(fromWhere([1])).toBeNull();
    expect(fromWhere({ and: 'x' })).toBeNull();
  });
});
