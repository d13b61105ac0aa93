/** Runs `chakra serve` (or `npm start`) as a real child process and talks to it over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: PROJECT_DIR,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
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
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
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
      const ready = out.split('\n').find((l) => l.includes('"chakra ready"'));
      if (ready && !settled) {
        settled = true;
        clearTimeout(timer);
        const port = JSON.parse(ready).port;
        resolve({
          child,
          url: `http://127.0.0.1:${port}`,
          stdout: () => out,
          stderr: () => err,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
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
