import { describe, expect, it } from 'vitest';
import { storableJson, storableText } from './storable-text.ts';

describe('storableText', () => {
  it('replaces NUL and unpaired surrogates with U+FFFD, keeping pairs and ordinary text', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\ud800y')).toBe('x\uFFFDy');
    expect(storableText('x\udc00')).toBe('x\uFFFD');
    expect(storableText('😀 ok')).toBe('😀 ok');
  });

  it('reaches strings and keys at any depth', () => {
    expect(storableJson(JSON.parse('{"a\\u0000": [{"b": "\\ud800"}, 1, null, true]}'))).toEqual({
      'a\uFFFD': [{ b: '\uFFFD' }, 1, null, true],
    });
  });
});
