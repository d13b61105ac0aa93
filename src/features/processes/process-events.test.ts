import { describe, expect, it } from 'vitest';
import { fieldChanges, trackedOf, type TrackedFields } from './process-events.ts';

const base: TrackedFields = {
  data: { a: 1, tags: ['x'], geo: { lat: 1 } },
  status: 'OPEN',
  state: 'NEW',
  assignedTo: null,
  nextActionAt: null,
};

describe('fieldChanges', () => {
  it('is empty when nothing changed, arrays and objects compared by value', () => {
    expect(fieldChanges(base, { ...base, data: { geo: { lat: 1 }, tags: ['x'], a: 1 } })).toEqual([]);
  });

  it('gives attributes first, then the process fields, with null for a value that is not there', () => {
    const after: TrackedFields = {
      data: { tags: ['x', 'y'], geo: { lat: 1 }, b: 'new' },
      status: 'COMPLETED',
      state: 'DONE',
      assignedTo: 'u1',
      nextActionAt: 5,
    };
    expect(fieldChanges(base, after)).toEqual([
      { field: 'a', old: 1, new: null },
      { field: 'tags', old: ['x'], new: ['x', 'y'] },
      { field: 'b', old: null, new: 'new' },
      { field: 'status', old: 'OPEN', new: 'COMPLETED' },
      { field: 'state', old: 'NEW', new: 'DONE' },
      { field: 'assignedTo', old: null, new: 'u1' },
      { field: 'nextActionAt', old: null, new: 5 },
    ]);
  });
});

describe('trackedOf', () => {
  it('shows a bare row as the API does: state by shortId, times in epoch ms', () => {
    const row = { id: 'p', data: {}, status: 'OPEN', state_id: 's1', assigned_to: null, next_action_at: new Date(1000) };
    expect(trackedOf({ states: [{ id: 's1', shortId: 'NEW' }] as never }, row)).toEqual({
      data: {},
      status: 'OPEN',
      state: 'NEW',
      assignedTo: null,
      nextActionAt: 1000,
    });
  });
});
