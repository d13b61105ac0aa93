import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is in use by process ${pid}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: any) {
    return err.code === 'EPERM';
  }
}

/** Creates `file` holding `content`, or fails with EEXIST; never leaves it half-written. */
function createExclusive(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file); // atomic: a reader never sees the lock without its pid
  } finally {
    rmSync(temp, { force: true });
  }
}

function readPid(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * PGlite allows one process per data directory; a second one would corrupt it. This lock file
 * makes the second process refuse instead. A lock left by a killed process is taken over, one
 * process at a time (a short-lived takeover lock keeps two starters from both taking it).
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'chakra.pid');
  const takeover = `${file}.takeover`;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      createExclusive(file, String(process.pid));
      return () => rmSync(file, { force: true });
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err;
    }
    const pid = readPid(file);
    if (pid && pid !== process.pid && alive(pid)) throw new DataDirBusyError(dataDir, pid);
    try {
      createExclusive(takeover, String(process.pid));
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err;
      // Someone else is taking over; a takeover lock older than 10 s belongs to a dead process.
      const stat = statSync(takeover, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > 10_000) rmSync(takeover, { force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    try {
      if (readPid(file) === pid) rmSync(file, { force: true });
    } finally {
      rmSync(takeover, { force: true });
    }
  }
  const pid = readPid(file);
  throw pid ? new DataDirBusyError(dataDir, pid) : new Error(`could not lock ${dataDir}`);
}
