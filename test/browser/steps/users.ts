/**
 * Users, for admins: a team admin signed in to the console makes a sign-in link for a user who
 * forgot their password; the link sets that user's password once. inside_sales users do not see
 * the screen. Ends signed in as john again.
 */
import { describe, expect, it } from 'vitest';
import { accessibilityProblems, type ConsoleSession, DEMO_PASSWORD, pageProblems, screenshot } from '../../helpers/browser.ts';
import { demoWorkspaceBody } from '../../helpers/demo-workspace.ts';
import { call } from '../../helpers/server.ts';

const ADMIN = 'ada@paisapay.com';

export function usersSteps(session: () => ConsoleSession) {
  describe('users: an admin makes a sign-in link', { timeout: 60_000 }, () => {
    it('an admin user makes a sign-in link for a user; the link sets the password once', async () => {
      const c = session();
      const page = c.page;
      const api = (method: string, path: string, body?: unknown) => call(c.server.url, method, path, { key: c.server.demoKey, body });
      // john (inside_sales) has no Users entry.
      expect(await page.getByRole('navigation', { name: 'Procedures' }).getByRole('link', { name: 'Users' }).count()).toBe(0);

      const workspace = demoWorkspaceBody();
      workspace.teams[0].users.push({ username: ADMIN, firstName: 'Ada', lastName: 'Admin', role: 'admin' });
      expect((await api('POST', '/v1/admin/workspace', workspace)).status).toBe(200);
      const link = new URL((await api('POST', `/v1/ext/user/${ADMIN}/sign-in-link`)).json._data.url);
      await page.getByRole('button', { name: /^Account: / }).click();
      await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(/\/console\/sign-in$/);
      await page.goto(`${c.server.url}${link.pathname}${link.search}`);
      await page.getByLabel('New password').fill(DEMO_PASSWORD);
      await page.getByLabel('Repeat the password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Set password and sign in' }).click();

      await page.getByRole('navigation', { name: 'Procedures' }).getByRole('link', { name: 'Users' }).click();
      const users = page.getByRole('table', { name: 'Users' });
      await users.getByRole('row', { name: /alex@paisapay\.com/ }).waitFor();
      await users.getByRole('button', { name: 'Sign-in link for Alex Roe' }).click();
      const dialog = page.getByRole('dialog', { name: 'Sign-in link' });
      const url = await dialog.getByLabel('Link').inputValue();
      expect(url).toMatch(/\/console\/setup\?token=/);
      expect(await users.getByRole('row', { name: /alex@paisapay\.com/ }).textContent()).toContain('Inside sales');
      await dialog.getByRole('button', { name: 'Copy link' }).waitFor();
      await page.waitForTimeout(250); // the dialog's opening transition, for the picture
      await screenshot(page, 'users');
      expect(await accessibilityProblems(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Close' }).click();

      // The link works once, for alex.
      const token = new URL(url).searchParams.get('token');
      const setup = () => call(c.server.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: 'alex chose this one' } });
      const first = await setup();
      expect(first.status).toBe(200);
      expect(first.json._data.user.username).toBe('alex@paisapay.com');
      expect((await setup()).status).toBe(400);

      await page.getByRole('button', { name: /^Account: / }).click();
      await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
      await page.getByLabel('Email').fill('john@paisapay.com');
      await page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Procedures' }).waitFor();
      expect(pageProblems(page)).toEqual([]);
    });
  });
}
