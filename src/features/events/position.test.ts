import { describe, expect, it } from 'vitest';
import { comparePositions, formatPosition, parsePosition } from './position.ts';

describe('event positions', () => {
  it('read back what they write, without leading zeros', () => {
    expect(parsePosition('753.12')).toEqual({ txid: '753', id: '12' });
    expect(parsePosition('007.0012')).toEqual({ txid: '7', id: '12' });
    expect(formatPosition({ txid: '18446744073709551615', id: '9223372036854775807' })).toBe('18446744073709551615.9223372036854775807');
    expect(parsePosition('18446744073709551615.9223372036854775807')).toBeDefined();
  });

  it('refuse anything else, including values past xid8 and bigint', () => {
    for (const bad of ['', '1', '1.', '.1', '1.2.3', '-1.2', '1.-2', 'a.b', ' 1.2', '18446744073709551616.1', '1.9223372036854775808']) {
      expect(parsePosition(bad), bad).toBeUndefined();
    }
  });
});

describe('comparePositions', () => {
  it('orders by transaction first, then by row id, as numbers', () => {
    const p = (s: string) => parsePosition(s)!;
    expect(comparePositions(p('9.100'), p('10.1'))).toBeLessThan(0);
    expect(comparePositions(p('10.2'), p('10.10'))).toBeLessThan(0);
    expect(comparePositions(p('10.10'), p('10.10'))).toBe(0);
    expect(comparePositions(p('18446744073709551615.1'), p('18446744073709551614.9'))).toBeGreaterThan(0);
  });
});
