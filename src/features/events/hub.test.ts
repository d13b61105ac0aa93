import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { EventHub } from './hub.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('not refused');
};

describe('EventHub.admit', () => {
  it('refuses a key past its share (429), the process past its limit (503 with Retry-After), and gives places back once', () => {
    const hub = new EventHub({ maxStreams: 3, maxStreamsPerKey: 2 });
    const a1 = hub.admit('a');
    hub.admit('a');
    const perKey = refusal(() => hub.admit('a'));
    expect(perKey).toBeInstanceOf(AppError);
    expect([perKey.code, perKey.status]).toEqual(['EVENT_STREAMS_PER_KEY', 429]);
    hub.admit('b');
    const full = refusal(() => hub.admit('c'));
    expect([full.code, full.status, full.headers['retry-after']]).toEqual(['EVENT_STREAMS_FULL', 503, '5']);
    expect(hub.size).toBe(3);
    a1();
    a1();
    expect(hub.size).toBe(2);
    hub.admit('a');
    expect(refusal(() => hub.admit('a')).code).toBe('EVENT_STREAMS_FULL');
  });
});
