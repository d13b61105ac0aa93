/**
 * Every variable the configuration loader reads is in docs/configuration.md's summary table
 * and in .env.example, so neither falls behind when a setting is added.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const names = (text: string, pattern: RegExp) => new Set([...text.matchAll(pattern)].map((m) => m[1]));

const loaderSource = read('src/config.ts');
const readByLoader = new Set([...names(loaderSource, /\benv\.([A-Z][A-Z0-9_]+)/g), ...names(loaderSource, /\(env, '([A-Z][A-Z0-9_]+)'/g)]);

describe('configuration documentation', () => {
  it('finds the variables the loader reads', () => {
    expect(readByLoader).toContain('PORT');
    expect(readByLoader).toContain('S3_BUCKET');
    expect(readByLoader.size).toBeGreaterThan(30);
  });

  it('docs/configuration.md lists every variable in its summary table', () => {
    const summary = read('docs/configuration.md').split('\n## Summary\n')[1].split('\n## ')[0];
    const listed = names(summary, /^\| \[?`([A-Z][A-Z0-9_]+)`/gm);
    expect([...readByLoader].filter((n) => !listed.has(n))).toEqual([]);
  });

  it('.env.example lists every variable with a value', () => {
    const listed = names(read('.env.example'), /^# ([A-Z][A-Z0-9_]+)=/gm);
    expect([...readByLoader].filter((n) => !listed.has(n))).toEqual([]);
  });
});
