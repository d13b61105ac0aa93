import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CATALOGUE } from './errors.ts';

function documentedCatalogue(): Record<string, { status: number; message: string }> {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...text.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| `(.*)` \|$/gm)];
  return Object.fromEntries(rows.map(([, code, status, message]) => [code, { status: Number(status), message }]));
}

describe('error catalogue', () => {
  it('agrees with docs/errors.md, entry for entry', () => {
    expect(documentedCatalogue()).toEqual(ERROR_CATALOGUE);
  });

  it('fills placeholders and keeps unknown ones visible', () => {
    const err = new AppError('RATE_LIMITED', { retryAfterMs: 250 });
    expect(err.message).toBe('Rate limit exceeded, retry after 250 ms');
    expect(err.status).toBe(429);
    expect(new AppError('NOT_FOUND', { resource: 'team' }).message).toBe('team {id} not found');
  });
});
