/**
 * The process page and the create form: a demo lead opened from the table (state bar, details,
 * record, tasks, history), edits saved and refused (the API's message under the field), a state
 * move, a task created and completed, a bulk update's change in the history by the key's name,
 * Delete refused to inside_sales, a lead created through the New form, and the page on a phone.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  type ConsoleSession,
  pageProblems,
  screenshot,
  takeExpectedProblem,
  waitForLive,
} from '../../helpers/browser.ts';
import { call } from '../../helpers/server.ts';

/** A 1×1 PNG, for the photo attribute. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The demo's newest lead (CONTACTED, unassigned, no address): on the table's first screen. */
const LEAD = 'LEAD-136';

/** The text of what an input's aria-describedby names: Mantine puts a field's error there. */
const descriptionOf = (field: Locator) =>
  field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );

/** The browser logs each refused call as a console error; these refusals are the steps' own. */
function forgetRefusals(page: Page, statuses: number[]) {
  const problems = pageProblems(page);
  const expected = new RegExp(`status of (${statuses.join('|')})`);
  for (let i = problems.length - 1; i >= 0; i--) if (expected.test(problems[i])) problems.splice(i, 1);
}

export function processPageSteps(session: () => ConsoleSession) {
  describe('the process page and the create form', { timeout: 60_000 }, () => {
    let page: Page;
    let processId = '';
    const api = (method: string, path: string, body?: unknown) =>
      call(session().server.url, method, path, { key: session().server.demoKey, body });
    const lead = async () => (await api('GET', `/v1/ext/procedure/lead/process/${processId}`)).json._data;
    const history = () => page.getByRole('list', { name: 'History, newest first' });

    it('opens a lead from the table: state bar, details, record, tasks, history', async () => {
      page = session().page;
      await page.goto(`${session().console}/p/lead`);
      await page.getByRole('table', { name: 'Lead processes' }).getByRole('link', { name: LEAD, exact: true }).click();
      await page.waitForURL(/\/console\/p\/lead\/[0-9a-f-]{36}$/);
      processId = page.url().split('/').at(-1)!;
      expect((await lead()).data.lead_id).toBe(LEAD);

      const states = page.getByRole('navigation', { name: 'State' });
      await expect.poll(() => states.getByRole('button').allTextContents()).toEqual(['New', 'Contacted', 'Qualified', 'Converted', 'Lost']);
      expect(await states.getByRole('button', { name: 'Contacted' }).getAttribute('aria-current')).toBe('step');
      await expect.poll(() => page.getByLabel('Lead id').inputValue()).toBe(LEAD);
      expect(await page.getByLabel('Score').getAttribute('type')).toBe('number');
      expect(await page.getByLabel('Address').count()).toBe(1);
      await page.getByRole('heading', { name: 'Customer record' }).waitFor();
      await page.getByRole('list', { name: 'Tasks of this process' }).getByRole('listitem').first().waitFor();
      await history().getByText('Created in Contacted').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
    });

    it('saves changed fields (a photo uploaded and shown); a refused value shows the API message under its field', async () => {
      await page.getByLabel('Score').fill('9');
      await page.getByLabel('Source').selectOption('referral');
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Upload Photo' }).click()]);
      await chooser.setFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL });
      // The thumbnail loads through the photo's signed link, within the console's CSP.
      const thumbnail = page.getByRole('img', { name: 'Photo: pixel.png' });
      await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(async () => (await lead()).data)
        .toMatchObject({ score: 9, source: 'referral', photo: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      await history()
        .getByText(/^Score: \d+ → 9$/)
        .waitFor();

      await page.getByLabel('Email').fill('not-an-email');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => descriptionOf(page.getByLabel('Email'))).toContain('must be an email address');
      await page.getByRole('button', { name: 'Discard changes' }).click();

      await page.getByLabel('Address').fill('{"line1": "12 MG Road"}');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => descriptionOf(page.getByLabel('Address'))).toContain("must have required property 'pincode'");
      expect((await lead()).data.address).toBeUndefined();
      await page.getByRole('button', { name: 'Discard changes' }).click();
      forgetRefusals(page, [400]);
    });

    it('moves the state from the bar and creates and completes a Call task', async () => {
      const states = page.getByRole('navigation', { name: 'State' });
      await states.getByRole('button', { name: 'Qualified' }).click();
      await expect.poll(async () => (await lead()).state).toBe('QUALIFIED');
      await expect.poll(() => states.getByRole('button', { name: 'Qualified' }).getAttribute('aria-current')).toBe('step');

      await page.getByLabel('New task').selectOption({ label: 'Call' });
      await page.getByLabel('Title (optional)').fill('Follow-up call');
      await page.getByRole('button', { name: 'Create task' }).click();
      const tasks = page.getByRole('list', { name: 'Tasks of this process' });
      await page.getByRole('button', { name: 'Complete Follow-up call' }).click();
      await expect.poll(() => tasks.getByRole('listitem').filter({ hasText: 'Follow-up call' }).textContent()).toContain('COMPLETED');
      const listed = await api('GET', `/v1/ext/tasks?process=${processId}&status=COMPLETED`);
      expect(listed.json._data.map((t: { title: string }) => t.title)).toContain('Follow-up call');
      await history().getByText('Task completed: Follow-up call').waitFor();
      await history().getByText('Task created: Follow-up call').waitFor();
      await history().getByText('State: Contacted → Qualified').waitFor();
    });

    it("shows a bulk update's change in the history, by the key's name", async () => {
      await session().server.startWorkers();
      await waitForLive(page);
      const job = await api('PATCH', '/v1/ext/procedure/lead/process', { processes: [{ lead_id: LEAD, update: { data: { score: 4 } } }] });
      expect(job.status).toBe(200);
      await expect
        .poll(async () => (await api('GET', `/v1/ext/background-job/${job.json._data.id}`)).json._data.completionStatus, {
          timeout: 20_000,
        })
        .toBe('COMPLETED');
      // The open page follows the stream: no reload.
      const entry = history().getByRole('listitem').filter({ hasText: 'Score: 9 → 4' });
      await entry.waitFor({ timeout: 1_000 });
      expect(await entry.textContent()).toContain('API key demo');
      await expect.poll(() => page.getByLabel('Score').inputValue()).toBe('4');
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'process');
    });

    it('an inside_sales user cannot delete: the button is disabled and says why', async () => {
      const remove = page.getByRole('button', { name: 'Delete' });
      expect(await remove.isDisabled()).toBe(true);
      expect(await descriptionOf(remove)).toContain('lacks the privilege process:delete');
      expect(await page.getByText('Your role (inside_sales) cannot delete processes').isVisible()).toBe(true);
      // The server decides regardless of the button: the session's own DELETE gets the key's 403.
      const refused = await page.evaluate(async (id) => {
        const session = await (await fetch('/v1/ext/auth/session')).json();
        const res = await fetch(`/v1/ext/procedure/lead/process/${id}`, {
          method: 'DELETE',
          headers: { 'X-CSRF-Token': session._data.csrfToken },
        });
        return { status: res.status, body: await res.json() };
      }, processId);
      expect(refused.status).toBe(403);
      expect(refused.body._errors[0]).toContain('lacks the privilege process:delete');
      takeExpectedProblem(page, new RegExp(`status of 403 \\(Forbidden\\) \\(.*/process/${processId}\\)$`));
      expect((await api('GET', `/v1/ext/procedure/lead/process/${processId}`)).status).toBe(200);
    });

    it('creates a lead from the New form; a refusal shows beside the field', async () => {
      await page.getByRole('link', { name: '← All Lead processes' }).click();
      await page.getByRole('link', { name: 'New Lead' }).click();
      await page.waitForURL(/\/console\/p\/lead\/new$/);
      await page.getByLabel('Lead id').fill(LEAD);
      await page.getByLabel('First name').fill('Newton');
      await page.getByLabel('Score').fill('5');
      await page.getByLabel('Customer: Phone number').fill('919800000777');
      await page.getByLabel('loan').check();
      await page.getByRole('button', { name: 'Create Lead' }).click();
      await expect.poll(() => descriptionOf(page.getByLabel('Lead id'))).toContain(`${LEAD} is already used by another lead process`);
      // The refused field takes the focus (and so comes into view).
      expect(await page.getByLabel('Lead id').evaluate((el) => el === document.activeElement)).toBe(true);
      forgetRefusals(page, [409]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'create');
      expect(await accessibilityProblems(page)).toEqual([]);

      await page.getByLabel('Lead id').fill('LEAD-NEWTON');
      await page.getByRole('button', { name: 'Create Lead' }).click();
      await page.waitForURL(/\/console\/p\/lead\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: 'Newton' }).waitFor();
      const created = await api('POST', '/v1/ext/procedure/lead/process/list', { where: { lead_id: 'LEAD-NEWTON' } });
      expect(created.json._data).toHaveLength(1);
      expect(created.json._data[0]).toMatchObject({ data: { firstname: 'Newton', score: 5, interested_in: ['loan'] } });
      expect(created.json._data[0].record.data.phone_number).toBe('919800000777');
      expect(page.url().endsWith(created.json._data[0].id)).toBe(true);
    });

    it('a geolocation has latitude and longitude inputs and a map link that opens in a new tab', async () => {
      const visit = await api('POST', '/v1/ext/procedure/fieldvisit/process', { data: { location: [12.9716, 77.5946], notes: 'Gate 2' } });
      expect(visit.status).toBe(200);
      await page.goto(`${session().console}/p/fieldvisit/${visit.json._data.id}`);
      await expect.poll(() => page.getByLabel('Location: latitude').inputValue()).toBe('12.9716');
      const map = page.getByRole('link', { name: 'Open Location on a map' });
      expect(await map.getAttribute('href')).toContain('openstreetmap.org/?mlat=12.9716&mlon=77.5946');
      expect(await map.getAttribute('target')).toBe('_blank');
      await page.getByLabel('Location: longitude').fill('77.6');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(async () => (await api('GET', `/v1/ext/procedure/fieldvisit/process/${visit.json._data.id}`)).json._data.data.location)
        .toEqual([12.9716, 77.6]);
      expect(await page.getByRole('button', { name: 'Upload Photos' }).isVisible()).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
    });

    it('is usable on a phone-sized screen', async () => {
      await page.goto(`${session().console}/p/lead/${processId}`);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('navigation', { name: 'State' }).waitFor();
      await page.getByLabel('Lead id').waitFor();
      await page.waitForTimeout(300); // the navigation's slide-away on resizing
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'process-phone');
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.setViewportSize({ width: 1366, height: 768 });
      expect(pageProblems(page)).toEqual([]);
    });
  });
}
