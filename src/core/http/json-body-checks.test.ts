import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, unstorableEscape } from './json-body-checks.ts';

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('[]'.repeat(1000), 1)).toBe(false);
  });

  it('answers a 100,000-deep document in one pass', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const t = performance.now();
    expect(nestsDeeperThan(deep)).toBe(true);
    expect(performance.now() - t).toBeLessThan(50);
  });
});

describe('unstorableEscape', () => {
  it('finds \\u0000 and unpaired surrogate escapes, not escaped backslashes or pairs', () => {
    expect(unstorableEscape(String.raw`{"a":"x\u0000"}`)).toMatch(/NUL/);
    expect(unstorableEscape(String.raw`{"a":"x\ud800"}`)).toMatch(/surrogate/);
    expect(unstorableEscape(String.raw`{"a":"x\uDC00y"}`)).toMatch(/surrogate/);
    expect(unstorableEscape(String.raw`{"a":"\ud83d\ude00"}`)).toBeUndefined();
    expect(unstorableEscape(String.raw`{"a":"\\u0000 \\ud800"}`)).toBeUndefined();
    expect(unstorableEscape(String.raw`{"a":"\\\u0000"}`)).toMatch(/NUL/);
    expect(unstorableEscape('{"a":"😀 é"}')).toBeUndefined();
  });
});
