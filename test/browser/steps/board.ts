/**
 * The board by state: columns in the procedure's order with the demo's leads, the table's filter
 * kept by the Table | Board switch and applied to every column, a mouse drag and a keyboard move
 * saved through the API, a change made elsewhere followed live, a move the server refuses (a
 * role without process:write) put back with the server's message, "Show more" past 25 cards,
 * and on a phone the board scrolling sideways and a card moved by press-and-hold. Ends signed in
 * as john on the lead table, as it started.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  type ConsoleSession,
  DEMO_PASSWORD,
  pageProblems,
  screenshot,
  takeExpectedProblem,
  waitForLive,
} from '../../helpers/browser.ts';
import { demoWorkspaceBody } from '../../helpers/demo-workspace.ts';
import { call } from '../../helpers/server.ts';

const LEAD_STATES = ['New', 'Contacted', 'Qualified', 'Converted', 'Lost'];
const VIEWER = 'vera@paisapay.com';

export function boardSteps(session: () => ConsoleSession) {
  describe('board by state', { timeout: 60_000 }, () => {
    let c: ConsoleSession;
    let page: Page;
    const api = (method: string, path: string, body?: unknown) => call(c.server.url, method, path, { key: c.server.demoKey, body });
    const board = () => page.getByRole('region', { name: 'Lead board' });
    const column = (state: string) => board().getByRole('region', { name: state, exact: true });
    const card = (state: string, leadId: string) => column(state).getByRole('link', { name: new RegExp(`\\b${leadId}\\b`) });
    /** Leads in a state, as the API lists them (newest first). */
    const leadsIn = async (state: string) => {
      const res = await api('POST', '/v1/ext/procedure/lead/process/list', { where: { state }, limit: 25 });
      expect(res.status, res.text).toBe(200);
      return res.json._data as { id: string; data: { lead_id: string } }[];
    };
    const stateOf = async (leadId: string) =>
      (await api('POST', '/v1/ext/procedure/lead/process/list', { where: { lead_id: leadId } })).json._data[0]?.state;

    it('opens from the Table | Board switch: a column per state in order, with the leads of each', async () => {
      c = session();
      page = c.page;
      // A colour for one state, and a role that may read but not write processes (for the refusal below).
      const workspace = demoWorkspaceBody();
      const team = workspace.teams[0];
      team.procedures.find((p: any) => p.shortId === 'lead').states.find((s: any) => s.shortId === 'QUALIFIED').color = '#e8590c';
      team.roles.push({ shortId: 'viewer', name: 'Viewer', privileges: ['process:read', 'config:read', 'user:read'] });
      team.users.push({ username: VIEWER, firstName: 'Vera', role: 'viewer' });
      const applied = await api('POST', '/v1/admin/workspace', workspace);
      expect(applied.status, applied.text).toBe(200);

      await page.goto(`${c.console}/p/lead`);
      await page.getByRole('group', { name: 'View' }).getByRole('link', { name: 'Board' }).click();
      await page.waitForURL(/\/console\/p\/lead\/board$/);
      await expect.poll(() => board().getByRole('heading', { level: 2 }).allTextContents()).toEqual(LEAD_STATES);
      expect(await page.getByRole('link', { name: 'Board' }).getAttribute('aria-current')).toBe('page');
      for (const [i, state] of ['NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST'].entries()) {
        const leads = await leadsIn(state);
        expect(leads.length).toBeGreaterThan(0);
        await expect.poll(() => column(LEAD_STATES[i]).getByRole('link').count()).toBe(leads.length);
        await card(LEAD_STATES[i], leads[0].data.lead_id).waitFor();
      }
      // The configured colour on Qualified, a neutral one by status elsewhere.
      const stripe = (state: string) => column(state).evaluate((el) => getComputedStyle(el).borderTopColor);
      expect(await stripe('Qualified')).toBe('rgb(232, 89, 12)');
      expect(await stripe('New')).not.toBe('rgb(232, 89, 12)');
      await screenshot(page, 'board');
      expect(await accessibilityProblems(page)).toEqual([]);
    });

    it("shows the table's filter: each column holds what the API lists for the filter and its state", async () => {
      const where = { and: [{ score: { '>=': 5 } }] };
      await page.goto(`${c.console}/p/lead?where=${encodeURIComponent(JSON.stringify(where))}`);
      await page.getByRole('table', { name: 'Lead processes' }).getByRole('row').nth(1).waitFor();
      await page.getByRole('group', { name: 'View' }).getByRole('link', { name: 'Board' }).click();
      await page.waitForURL(/\/console\/p\/lead\/board\?where=/);
      expect(await page.getByRole('button', { name: 'Filter (1)' }).isVisible()).toBe(true);
      const leadsOf = async (state: string, filter: unknown) => {
        const res = await api('POST', '/v1/ext/procedure/lead/process/list', { where: { and: [filter, { state }] }, limit: 25 });
        expect(res.status, res.text).toBe(200);
        return (res.json._data as { data: { lead_id: string } }[]).map((p) => p.data.lead_id).sort();
      };
      const shown = async (state: string) =>
        (await column(state).getByRole('link').allTextContents()).map((t) => /LEAD-\d+/.exec(t)?.[0]).sort();
      let narrowed = false;
      for (const [i, state] of ['NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST'].entries()) {
        const expected = await leadsOf(state, where);
        if (expected.length < (await leadsIn(state)).length) narrowed = true;
        await expect.poll(() => shown(LEAD_STATES[i])).toEqual(expected);
      }
      expect(narrowed).toBe(true); // the filter left some lead out, or this step proves nothing
      // Cleared on the board: every lead again, and the table behind the switch unfiltered too.
      await page.getByRole('button', { name: 'Filter (1)' }).click();
      await screenshot(page, 'board-filter');
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('region', { name: 'Filter' }).getByRole('button', { name: 'Clear' }).click();
      await page.getByRole('button', { name: 'Apply filter' }).click();
      await page.waitForURL(/\/console\/p\/lead\/board$/);
      const allNew = (await leadsIn('NEW')).length;
      await expect.poll(() => column('New').getByRole('link').count()).toBe(allNew);
      expect(await page.getByRole('button', { name: 'Filter', exact: true }).isVisible()).toBe(true);
    });

    it('a card dragged with the mouse to another state moves there, and the API says so', async () => {
      const lead = (await leadsIn('NEW'))[0].data.lead_id;
      await dragCard(page, card('New', lead), column('Contacted'));
      await card('Contacted', lead).waitFor();
      await expect.poll(() => stateOf(lead)).toBe('CONTACTED');
      expect(await card('New', lead).count()).toBe(0);
    });

    it('a card moves with the keyboard: space, arrow right, space', async () => {
      const lead = (await leadsIn('NEW'))[0].data.lead_id;
      await card('New', lead).focus();
      await page.keyboard.press('Space');
      await page.getByText(new RegExp(`^Picked up .*${lead}.*, in New\\.$`)).waitFor({ state: 'attached' });
      await page.keyboard.press('ArrowRight');
      await page.getByText(new RegExp(`${lead}.* is over Contacted\\.$`)).waitFor({ state: 'attached' });
      await page.keyboard.press('Space');
      await card('Contacted', lead).waitFor();
      await expect.poll(() => stateOf(lead)).toBe('CONTACTED');
      // The keyboard stays on the card, now in its new column.
      await expect.poll(() => card('Contacted', lead).evaluate((el) => el === document.activeElement)).toBe(true);
    });

    it('follows a change made through the API within a second', async () => {
      const [lead] = await leadsIn('NEW');
      await card('New', lead.data.lead_id).waitFor();
      await waitForLive(page);
      const res = await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { state: 'QUALIFIED' });
      expect(res.status, res.text).toBe(200);
      await expect.poll(() => card('Qualified', lead.data.lead_id).count(), { timeout: 1000, interval: 50 }).toBe(1);
      expect(await card('New', lead.data.lead_id).count()).toBe(0);
    });

    it('a column shows 25 cards, then the next 25 with "Show more"', async () => {
      const shown = (await leadsIn('NEW')).length;
      const extra = 26 - shown;
      const created = await Promise.all(
        Array.from({ length: extra }, (_, i) =>
          api('POST', '/v1/ext/procedure/lead/process', {
            data: { lead_id: `LEAD-BOARD-${i}`, firstname: `Board ${i}`, score: 1 },
            record: { data: { phone_number: `91980001${String(i).padStart(4, '0')}` } },
          }),
        ),
      );
      expect(created.map((r) => r.status)).toEqual(created.map(() => 200));
      const more = column('New').getByRole('button', { name: 'Show more in New' });
      await more.waitFor();
      expect(await column('New').getByRole('link').count()).toBe(25);
      expect(await column('New').getByText('25+').count()).toBe(1);
      await more.click();
      await expect.poll(() => column('New').getByRole('link').count()).toBe(26);
      expect(await more.count()).toBe(0);
      // Left as found for the steps after these.
      const deleted = await Promise.all(created.map((r) => api('DELETE', `/v1/ext/procedure/lead/process/${r.json._data.id}`)));
      expect(deleted.map((r) => r.status)).toEqual(created.map(() => 200));
      await expect.poll(() => column('New').getByRole('link').count()).toBe(shown);
    });

    it('a move the server refuses goes back, with the server’s message naming the card', async () => {
      const link = await api('POST', `/v1/ext/user/${VIEWER}/sign-in-link`);
      expect(link.status, link.text).toBe(200);
      await signOut(page);
      const url = new URL(link.json._data.url);
      await page.goto(`${c.server.url}${url.pathname}${url.search}`);
      await page.getByLabel('New password').fill(DEMO_PASSWORD);
      await page.getByLabel('Repeat the password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Set password and sign in' }).click();
      await page.getByRole('navigation', { name: 'Procedures' }).waitFor();
      await page.goto(`${c.console}/p/lead/board`);

      const lead = (await leadsIn('NEW'))[0].data.lead_id;
      // The PUT is held until the card shows in its new column, so "goes back" is seen, not
      // mistaken for a card that never moved.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const putPattern = '**/v1/ext/procedure/lead/process/*';
      await page.route(putPattern, async (route) => {
        if (route.request().method() === 'PUT') await held;
        await route.fallback();
      });
      const refused = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/process/'));
      await dragCard(page, card('New', lead), column('Contacted'));
      await card('Contacted', lead).waitFor();
      release();
      expect((await refused).status()).toBe(403);
      await page.unroute(putPattern);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(new RegExp(`^Could not move .*${lead}.*role viewer lacks the privilege process:write`));
      await card('New', lead).waitFor();
      expect(await card('Contacted', lead).count()).toBe(0);
      expect(await stateOf(lead)).toBe('NEW');
      // The browser logs the refused call as an error; that one, and only it, is expected here.
      takeExpectedProblem(page, /status of 403 \(Forbidden\) \(.*\/v1\/ext\/procedure\/lead\/process\/[\w-]+\)$/);

      await signOut(page);
      await page.getByLabel('Email').fill('john@paisapay.com');
      await page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Procedures' }).waitFor();
      await page.goto(`${c.console}/p/lead/board`);
      await column('Lost').getByRole('link').first().waitFor();
    });

    it('on a phone-sized screen the columns keep their width and the board scrolls sideways', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await column('New').getByRole('link').first().waitFor();
      expect(await board().evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      await page.waitForTimeout(300); // the navigation's slide-away on resizing, as in console.test.ts
      await screenshot(page, 'board-phone');
      expect(await accessibilityProblems(page)).toEqual([]);

      // A finger: press and hold a card, slide it onto the next column, lift.
      const lead = (await leadsIn('NEW'))[0].data.lead_id;
      await touchDrag(page, card('New', lead), column('Contacted'));
      await card('Contacted', lead).waitFor();
      await expect.poll(() => stateOf(lead)).toBe('CONTACTED');
      // A quick swipe across a card is a scroll, not a drag: nothing moves.
      const scrolledFrom = await board().evaluate((el) => el.scrollLeft);
      const other = (await leadsIn('NEW'))[0].data.lead_id;
      await touchSwipe(page, card('New', other), -200);
      await expect.poll(() => board().evaluate((el) => el.scrollLeft)).toBeGreaterThan(scrolledFrom);
      expect(await stateOf(other)).toBe('NEW');
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(`${c.console}/p/lead`);
      await page.getByRole('table', { name: 'Lead processes' }).getByRole('row').nth(1).waitFor();
      expect(pageProblems(page)).toEqual([]);
    });
  });
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: /^Account: / }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(/\/console\/sign-in$/);
}

/** Press, move in steps (dnd-kit starts a drag after a few pixels of pointer moves), release over the target. */
async function dragCard(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 4, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 80, { steps: 8 });
  await page.mouse.up();
}

/**
 * Touch input as Chromium gets it from a screen (DevTools' Input.dispatchTouchEvent, with touch
 * emulation on): the page sees touchstart/touchmove/touchend and pointer events of type touch.
 */
async function touch(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  const at = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  const done = async () => {
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
    await cdp.detach();
  };
  return { at, done };
}

const centre = async (l: Locator) => {
  const box = (await l.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** Press and hold (past the board's 250 ms), slide in steps, lift over the target. */
async function touchDrag(page: Page, from: Locator, to: Locator) {
  const a = await centre(from);
  const target = (await to.boundingBox())!;
  // The target column may lie partly off screen: aim at its visible part.
  const b = { x: Math.min(target.x + 40, page.viewportSize()!.width - 10), y: target.y + 80 };
  const finger = await touch(page);
  await finger.at('touchStart', a.x, a.y);
  await page.waitForTimeout(400);
  for (let i = 1; i <= 10; i++) await finger.at('touchMove', a.x + ((b.x - a.x) * i) / 10, a.y + ((b.y - a.y) * i) / 10);
  await finger.at('touchEnd');
  await finger.done();
}

/** A quick horizontal swipe starting on `from`, by `dx` pixels. */
async function touchSwipe(page: Page, from: Locator, dx: number) {
  const a = await centre(from);
  const finger = await touch(page);
  await finger.at('touchStart', a.x, a.y);
  for (let i = 1; i <= 6; i++) await finger.at('touchMove', a.x + (dx * i) / 6, a.y);
  await finger.at('touchEnd');
  await finger.done();
}
