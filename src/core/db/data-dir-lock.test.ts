import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from './data-dir-lock.ts';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'chakra-lock-'));

describe('data directory lock', () => {
  it('holds the pid while locked and frees on unlock', () => {
    const dir = fresh();
    const unlock = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'chakra.pid'), 'utf8')).toBe(String(process.pid));
    unlock();
    expect(existsSync(path.join(dir, 'chakra.pid'))).toBe(false);
  });

  it('refuses while another live process holds it', async () => {
    const dir = fresh();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      writeFileSync(path.join(dir, 'chakra.pid'), String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
      expect(() => lockDataDir(dir)).toThrow(`is in use by process ${other.pid}`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = fresh();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(path.join(dir, 'chakra.pid'), String(dead.pid));
    const unlock = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'chakra.pid'), 'utf8')).toBe(String(process.pid));
    unlock();
  });
});
