/**
 * Builds the web console (web/) into web/dist with Vite. `npm install` and `npm ci` run it (the
 * root's `prepare`, scripts/build-console.ts), and the server's first start runs it when
 * web/dist is missing, so a person never has a build step to know about. The bundle is written
 * to a fresh folder beside web/dist and renamed into place: a server never serves half a
 * build, and two builds at once never mix.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
export const DIST_DIR = `${WEB_DIR}dist`;

/** Builds the console; resolves with the milliseconds it took. Rejects when Vite is not installed (`npm install --omit=dev`). */
export async function buildConsole(): Promise<number> {
  const { build } = await import('vite');
  const started = Date.now();
  const outDir = `${DIST_DIR}.${process.pid}.${started}`;
  try {
    await build({ configFile: `${WEB_DIR}vite.config.ts`, root: WEB_DIR, build: { outDir }, logLevel: 'warn' });
    rmSync(DIST_DIR, { recursive: true, force: true });
    renameSync(outDir, DIST_DIR);
  } finally {
    if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  }
  return Date.now() - started;
}
