/**
 * The table's tools as a person uses them: a filter built in the UI asks exactly the API's
 * `where` and shows the rows the API gives for it; sort and filter survive a reload (they are in
 * the address); a view saved for the team comes back from the menu; the search box finds a lead
 * by its primary key and by its phone typed with spaces; My tasks lists due first and completes one.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityProblems, type ConsoleSession, pageProblems, screenshot } from '../../helpers/browser.ts';
import { call } from '../../helpers/server.ts';

/** The where the steps build through the UI, written as the API documents it. */
const WHERE = { and: [{ score: { '>=': 5 } }, { or: [{ source: 'web' }, { state: ['NEW', 'QUALIFIED'] }] }] };

export function tableToolsSteps(session: () => ConsoleSession) {
  describe('table tools: filter, views, search, my tasks', { timeout: 60_000 }, () => {
    let page: Page;
    const api = (method: string, path: string, body?: unknown) =>
      call(session().server.url, method, path, { key: session().server.demoKey, body });
    const listAll = async (where: unknown) => {
      const ids: string[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const res = await api('POST', '/v1/ext/procedure/lead/process/list', { where, limit: 100, cursor });
        expect(res.status).toBe(200);
        ids.push(...res.json._data.map((p: any) => p.data.lead_id));
        cursor = res.json._meta.nextCursor ?? undefined;
      }
      return ids.sort();
    };

    it('a filter built in the UI writes the API’s where and shows the same rows', async () => {
      page = session().page;
      await page.goto(`${session().console}/p/lead`);
      const table = page.getByRole('table', { name: 'Lead processes' });
      await table.getByRole('row').nth(2).waitFor();
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      const filter = page.getByRole('region', { name: 'Filter' });
      await filter.getByRole('button', { name: 'Add condition' }).click();
      await pick(page, 'Field of condition 1', 'Score');
      await pick(page, 'Comparison of condition 1', 'is at least');
      await filter.getByLabel('Value of condition 1').fill('5');
      await filter.getByRole('button', { name: 'Add group' }).click();
      const group = filter.getByRole('group', { name: 'Group of conditions, level 1' });
      await group.getByRole('button', { name: 'Add condition' }).click();
      await group.getByRole('button', { name: 'Add condition' }).click();
      await pick(page, 'Field of condition 1', 'Source', group);
      await pick(page, 'Value of condition 1', 'web', group);
      await pick(page, 'Field of condition 2', 'State', group);
      await pick(page, 'Comparison of condition 2', 'is any of', group);
      await group.getByRole('combobox', { name: 'Value of condition 2' }).click({ force: true });
      await page.getByRole('option', { name: 'New', exact: true }).click();
      await page.getByRole('option', { name: 'Qualified', exact: true }).click();
      await page.keyboard.press('Escape');
      expect(JSON.parse((await filter.getByTestId('where').textContent()) ?? '')).toEqual(WHERE);
      await screenshot(page, 'filter');
      expect(await accessibilityProblems(page)).toEqual([]);
      await filter.getByRole('button', { name: 'Apply filter' }).click();

      const expected = await listAll(WHERE);
      expect(expected.length).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'in all' }).textContent()).toBe(`${expected.length} in all`);
      expect(await shownLeadIds(page)).toEqual(expected);
      // The table's setup, which its list call sends, is that where (not only what the panel showed).
      expect(JSON.parse(new URL(page.url()).searchParams.get('where') ?? 'null')).toEqual(WHERE);

      // In the same page (no reload), a process page: the team's users the builder fetched for
      // its Assignee choices are the ones the page's Assignee list shows.
      await page.getByRole('table', { name: 'Lead processes' }).getByRole('link').first().click();
      await page.getByRole('heading', { name: 'Details' }).waitFor();
      const assignee = page.getByRole('combobox', { name: 'Assignee' });
      await expect.poll(() => assignee.getByRole('option', { name: 'John Doe' }).count()).toBe(1);
      expect(pageProblems(page)).toEqual([]);
      await page.goBack();
      await page.getByRole('table', { name: 'Lead processes' }).getByRole('row').nth(1).waitFor();
    });

    it('sort and filter are in the address: a reload keeps them', async () => {
      await page.getByRole('columnheader', { name: /Score/ }).getByRole('button').click();
      await expect.poll(() => page.url()).toContain('sort=score%3Aasc');
      await page.reload();
      await expect.poll(() => page.getByRole('columnheader', { name: /Score/ }).getAttribute('aria-sort')).toBe('ascending');
      await page.getByRole('button', { name: /^Filter \(3\)$/ }).click();
      // The builder reads the where back from the address as it was built.
      const filter = page.getByRole('region', { name: 'Filter' });
      expect(JSON.parse((await filter.getByTestId('where').textContent()) ?? '')).toEqual(WHERE);
      expect(await filter.getByRole('group', { name: /^Group of conditions/ }).count()).toBe(1);
      await filter.getByRole('button', { name: 'Close' }).click();
      const expected = await listAll(WHERE);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'in all' }).textContent()).toBe(`${expected.length} in all`);
    });

    it('a view saved for the team keeps the filter and sort, and comes back from the menu', async () => {
      await page.getByRole('button', { name: /^Views: / }).click();
      await page.getByRole('menuitem', { name: 'Save as new view…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Save view' });
      await dialog.getByLabel('Name').fill('Keen web leads');
      await dialog.getByLabel('Share with my team').check();
      await page.getByRole('menu').waitFor({ state: 'detached' }); // the menu's closing transition
      expect(await accessibilityProblems(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Save view' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Views: Keen web leads' }).count()).toBe(1);
      const views = await api('GET', '/v1/ext/procedure/lead/views');
      expect(views.json._data.find((v: any) => v.name === 'Keen web leads')).toMatchObject({
        shared: true,
        where: WHERE,
        sort: [{ field: 'score', order: 'asc' }],
      });

      await page.getByRole('button', { name: 'Views: Keen web leads' }).click();
      await page.getByRole('menuitem', { name: 'All Lead' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Filter', exact: true }).count()).toBe(1);
      await page.getByRole('button', { name: /^Views: / }).click();
      await page.getByRole('menuitem', { name: 'Keen web leads' }).click();
      await expect.poll(() => page.getByRole('button', { name: /^Filter \(3\)$/ }).count()).toBe(1);
      await expect.poll(() => page.getByRole('columnheader', { name: /Score/ }).getAttribute('aria-sort')).toBe('ascending');
    });

    it('search finds a lead by its primary key and by its phone typed with spaces', async () => {
      const lead = (await api('POST', '/v1/ext/procedure/lead/process/list', { where: { lead_id: 'LEAD-101' } })).json._data[0];
      expect(lead).toBeTruthy();
      const search = page.getByRole('search').getByRole('textbox', { name: 'Search by primary key or phone' });
      await search.fill('LEAD-101');
      await search.press('Enter');
      const found = page.getByRole('table', { name: 'Lead found' });
      await expect.poll(() => found.getByRole('link').getAttribute('href')).toMatch(new RegExp(`/p/lead/${lead.id}$`));

      const phone = String(lead.data.phone_number ?? '');
      expect(phone).toMatch(/^\d{12}$/);
      await search.fill(`+${phone.slice(0, 2)} ${phone.slice(2, 7)} ${phone.slice(7)}`);
      await search.press('Enter');
      await expect.poll(() => found.getByRole('link').first().getAttribute('href')).toMatch(new RegExp(`/p/lead/${lead.id}$`));
      await screenshot(page, 'search');
      expect(await accessibilityProblems(page)).toEqual([]);

      await search.fill('nothing-like-this');
      await search.press('Enter');
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'No process has' }).count()).toBe(1);
      await search.fill('');
    });

    it('my tasks: due first, undated last, each linked to its process; completing one moves it to Completed', async () => {
      const lead = (await api('POST', '/v1/ext/procedure/lead/process/list', { where: { lead_id: 'LEAD-102' } })).json._data[0];
      const task = async (title: string, dueBy: number | null) => {
        const res = await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, { assignedTo: 'john@paisapay.com', title, dueBy });
        expect(res.status).toBe(200);
      };
      await task('Undated', null);
      await task('Tomorrow', Date.now() + 86_400_000);
      await task('Yesterday', Date.now() - 86_400_000);
      await page.getByRole('navigation', { name: 'Procedures' }).getByRole('link', { name: 'My tasks' }).click();
      const tasks = page.getByRole('table', { name: 'My tasks' });
      await tasks.getByRole('row').nth(3).waitFor();
      // The demo's own tasks for john are listed too; these three keep their order among them.
      const mine = ['Yesterday', 'Tomorrow', 'Undated'];
      const titles = async () => (await tasks.locator('tbody tr td:first-child').allTextContents()).filter((t) => mine.includes(t));
      expect(await titles()).toEqual(mine);
      const yesterday = tasks.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Yesterday', exact: true }) });
      expect(await yesterday.textContent()).toContain('(overdue)');
      expect(await yesterday.getByRole('link').getAttribute('href')).toMatch(new RegExp(`/p/lead/${lead.id}$`));
      await screenshot(page, 'tasks');
      expect(await accessibilityProblems(page)).toEqual([]);

      await tasks.getByRole('button', { name: /^Complete Yesterday/ }).click();
      await expect.poll(titles).toEqual(['Tomorrow', 'Undated']);
      await page.getByText('Completed', { exact: true }).click();
      await expect.poll(titles).toEqual(['Yesterday']);

      // On a phone the list scrolls sideways inside its frame, and the filter's conditions wrap.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByText('Open', { exact: true }).click();
      const cards = page.getByRole('list', { name: 'My tasks' });
      await expect
        .poll(async () => (await cards.getByRole('heading').allTextContents()).filter((t) => mine.includes(t)))
        .toEqual(['Tomorrow', 'Undated']);
      await page.waitForTimeout(250); // the switch's sliding marker, for the picture
      await screenshot(page, 'tasks-phone');
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.goto(`${session().console}/p/lead?where=${encodeURIComponent(JSON.stringify(WHERE))}`);
      await page.getByRole('button', { name: /^Filter \(3\)$/ }).click();
      await page.getByRole('region', { name: 'Filter' }).getByRole('button', { name: 'Apply filter' }).waitFor();
      await screenshot(page, 'filter-phone');
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.setViewportSize({ width: 1366, height: 768 });
      expect(pageProblems(page)).toEqual([]);
    });
  });
}

/** Chooses an option of a Mantine Select named `label` (within `scope`). */
async function pick(page: Page, label: string, option: string, scope: Pick<Page, 'getByRole'> = page) {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Every lead id the (virtualised) table shows, scrolled through from top to bottom. */
async function shownLeadIds(page: Page): Promise<string[]> {
  const table = page.getByRole('table', { name: 'Lead processes' });
  const column = (await page.getByRole('columnheader').allTextContents()).findIndex((h) => h.startsWith('Lead id'));
  expect(column).toBeGreaterThanOrEqual(0);
  const seen = new Set<string>();
  await table.evaluate((el) => el.scrollTo(0, 0));
  for (;;) {
    const cells = await table.locator(`[role="row"] > [role="cell"]:nth-child(${column + 1})`).allTextContents();
    for (const c of cells) seen.add(c);
    const done = await table.evaluate((el) => {
      const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
      el.scrollBy(0, el.clientHeight / 2);
      return end;
    });
    if (done) break;
    await page.waitForTimeout(50);
  }
  return [...seen].sort();
}
