/** Runs `chakra serve` (or `npm start`) as a real child process and talks to it over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

export const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A developer's `.env` in the checkout must not reach the processes tests start there (its
 * DATABASE_URL would point a PGlite test at their database): each name it sets is passed as
 * empty, which the loader reads as unset and which `.env` does not override. Tests' own values win.
 */
export const DOTENV_BLANKS: Record<string, string> = existsSync(`${PROJECT_DIR}.env`)
  ? Object.fromEntries(Object.keys(parseEnv(readFileSync(`${PROJECT_DIR}.env`, 'utf8'))).map((name) => [name, '']))
  : {};
const TSX_LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** The port on a `chakra ready` line, JSON (`"port":3000`) or pretty (`port=3000`). */
function readyLine(out: string): { port: number; pid: number } | undefined {
  // Whole lines only: a chunk may end inside the ready line.
  const line = out
    .split('\n')
    .slice(0, -1)
    .find((l) => l.includes('"chakra ready"') || / INFO +chakra ready /.test(l));
  if (!line) return undefined;
  if (line.startsWith('{')) return JSON.parse(line);
  return { port: Number(/ port=(\d+)/.exec(line)![1]), pid: Number(/ pid=(\d+)/.exec(line)?.[1] ?? 0) };
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends a signal to the process group and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Sends a signal to the started process alone (as a supervisor does) and resolves with its exit code. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  /** The pid the server logged on its ready line (below `npm start`, not the npm process). */
  serverPid: number;
}

/** `chakra <args>` from the sources; `cwd` elsewhere than the project needs the loader's full path. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  cwd = PROJECT_DIR,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, `${PROJECT_DIR}src/cli/main.ts`, ...args], {
      cwd,
      env: { ...(cwd === PROJECT_DIR ? DOTENV_BLANKS : {}), ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function startChildServer(
  env: Record<string, string>,
  command: string[] = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'serve'],
  timeoutMs = 45_000,
): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: PROJECT_DIR,
      env: { ...DOTENV_BLANKS, ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DEMO_SAMPLE_DATA: 'false', ...env },
      // Own process group, so `npm start`'s node child receives the signal too.
      detached: true,
    });
    let out = '';
    let err = '';
    let settled = false;
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        process.kill(-child.pid!, 'SIGKILL');
        reject(new Error(`server did not become ready in ${timeoutMs} ms\n${out}\n${err}`));
      }
    }, timeoutMs);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const ready = readyLine(out);
      if (ready && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          child,
          url: `http://127.0.0.1:${ready.port}`,
          serverPid: ready.pid,
          stdout: () => out,
          stderr: () => err,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
            return exited;
          },
          async signal(signal) {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    child.on('exit', (code) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before ready\n${out}\n${err}`));
      }
    });
  });
}
