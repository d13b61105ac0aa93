import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotEnv } from './dotenv.ts';

const dirWith = (text: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chakra-dotenv-'));
  writeFileSync(path.join(dir, '.env'), text);
  return dir;
};

describe('loadDotEnv', () => {
  it('fills in the names the environment lacks and leaves the others, even when set empty', () => {
    const env: Record<string, string | undefined> = { PORT: '8080', HOST: '' };
    const added = loadDotEnv(
      dirWith('PORT=3000\nHOST=0.0.0.0\n# a comment\nexport LOG_LEVEL=warn\nPUBLIC_BASE_URL="https://x.example.com" # trailing comment\n'),
      env,
    );
    expect(env).toEqual({ PORT: '8080', HOST: '', LOG_LEVEL: 'warn', PUBLIC_BASE_URL: 'https://x.example.com' });
    expect(added.sort()).toEqual(['LOG_LEVEL', 'PUBLIC_BASE_URL']);
  });

  it('does nothing without a file', () => {
    const env = {};
    expect(loadDotEnv(mkdtempSync(path.join(tmpdir(), 'chakra-dotenv-')), env)).toEqual([]);
    expect(env).toEqual({});
  });
});
