/**
 * `.env` support: a file of `NAME=value` lines in the working directory, read once at start by
 * every `chakra` command. A variable already in the environment keeps its value (the file fills
 * gaps, it never overrides), so a supervisor's or a shell's setting always wins.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error.ts';

/**
 * Reads `<dir>/.env` into `env` for the names `env` does not have yet; returns those names.
 * No file is not an error. Parsing follows Node's own (`node --env-file`): `#` comments,
 * single, double or back quotes, `export ` prefixes, multi-line double-quoted values.
 */
export function loadDotEnv(dir: string, env: Record<string, string | undefined> = process.env): string[] {
  const file = path.join(dir, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new ConfigError(`${file}: cannot read: ${code ?? (err as Error).message}`);
  }
  const added: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    added.push(name);
  }
  return added;
}
