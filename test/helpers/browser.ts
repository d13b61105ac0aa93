/**
 * Browser tests (test/browser/): a real server on the test database (both backends, like every
 * test in test/), Debian's Chromium driven by playwright-core, one launch per file with one page
 * reused, axe-core on every screen, and the screenshots the docs show (docs/images/console-*.png).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './server.ts';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, and nothing that reaches out of this machine (its network refuses it, many at a time). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

export interface ConsoleSession {
  server: TestServer;
  page: Page;
  /** Where the console is: `${server.url}/console`. */
  console: string;
  close(): Promise<void>;
}

/** Starts a server (with the demo's sample data) and Chromium at 1366×768 with a fresh profile. */
export async function startConsole(env: Record<string, string> = {}): Promise<ConsoleSession> {
  const server = await startTestServer({ DEMO_SAMPLE_DATA: 'true', ...env }, undefined, { workers: false });
  const profile = mkdtempSync(join(tmpdir(), 'chakra-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1366, height: 768 },
      locale: 'en-GB',
      timezoneId: 'UTC',
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  // A page error (an uncaught exception, a CSP refusal) fails the test that caused it.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`${message.text()} (${message.location().url})`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  return {
    server,
    page,
    console: `${server.url}/console`,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await server.close();
    },
  };
}

/** The header's live indicator: "Live" once the page's event stream is open. */
export const liveStatus = (page: Page) => page.getByRole('banner').getByRole('status');

/** Waits until changes made elsewhere reach the page (its event stream is open). */
export async function waitForLive(page: Page): Promise<void> {
  await liveStatus(page)
    .filter({ hasText: /^Live$/ })
    .waitFor();
}

/** What the page reported as errors so far (uncaught exceptions, console errors other than 401s). */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems: string[] }).problems;
}

/**
 * Takes out of the page's problems the one a test expects (the browser logs a refused call as an
 * error): exactly one must match `pattern`.
 */
export function takeExpectedProblem(page: Page, pattern: RegExp): void {
  const problems = pageProblems(page);
  const matching = problems.filter((p) => pattern.test(p));
  expect(matching).toHaveLength(1);
  problems.splice(problems.indexOf(matching[0]), 1);
}

/** Saves docs/images/console-<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${IMAGES}console-${name}.png` });
}

/** axe-core's serious and critical violations on the page as it is now, as readable lines. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The path of the demo user's sign-in link minted at the first start (`/console/setup?token=…`), if any. */
export function setupLink(server: TestServer): string | undefined {
  return server.demoSignInLink ? new URL(server.demoSignInLink).pathname + new URL(server.demoSignInLink).search : undefined;
}

/** The password the browser tests give the demo user through the setup link. */
export const DEMO_PASSWORD = 'correct horse battery staple';

/** Follows the first start's sign-in link, sets DEMO_PASSWORD and waits for the signed-in shell. */
export async function signInWithSetupLink(c: ConsoleSession): Promise<void> {
  const link = setupLink(c.server);
  if (!link) throw new Error('the first start minted no sign-in link');
  await c.page.goto(`${c.server.url}${link}`);
  await c.page.getByLabel('New password').fill(DEMO_PASSWORD);
  await c.page.getByLabel('Repeat the password').fill(DEMO_PASSWORD);
  await c.page.getByRole('button', { name: 'Set password and sign in' }).click();
  await c.page.getByRole('navigation', { name: 'Procedures' }).waitFor();
}
