/** Task lists and task changes through real HTTP: my tasks due first, a process's tasks, complete/cancel/reopen. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let johnSession: Record<string, string>;
const leads: string[] = [];
const tasks: Record<string, string> = {};

const DAY = 86_400_000;
const today = Date.now() + 3_600_000;

async function lead(firstname: string, leadId: string) {
  const res = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
    key: s.demoKey,
    body: { data: { firstname, lead_id: leadId } },
  });
  expect(res.status, res.text).toBe(200);
  return res.json._data.id as string;
}

async function task(processId: string, body: Record<string, unknown>) {
  const res = await call(s.url, 'POST', `/v1/ext/p/lead/${processId}/task/call`, { key: s.demoKey, body });
  expect(res.status, res.text).toBe(200);
  return res.json._data.id as string;
}

const list = (query: string, headers: Record<string, string> = { authorization: `Bearer ${s.demoKey}` }) =>
  call(s.url, 'GET', `/v1/ext/tasks?${query}`, { headers });

beforeAll(async () => {
  s = await startTestServer({}, undefined, { workers: false });
  const token = new URL(s.demoSignInLink).searchParams.get('token');
  const setup = await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: 'a long enough password' } });
  johnSession = { cookie: setup.headers.get('set-cookie')!.split(';')[0], 'x-csrf-token': setup.json._data.csrfToken };
  leads.push(await lead('Asha', 'T-1'), await lead('Bilal', 'T-2'));
  tasks.later = await task(leads[0], { assignedTo: 'john@paisapay.com', dueBy: today + DAY, title: 'later' });
  tasks.undated = await task(leads[1], { assignedTo: 'john@paisapay.com', title: 'undated' });
  tasks.soon = await task(leads[1], { assignedTo: 'john@paisapay.com', dueBy: today, title: 'soon' });
  tasks.alex = await task(leads[0], { assignedTo: 'alex@paisapay.com', dueBy: today - DAY, title: 'alex' });
});
afterAll(() => s?.close());

describe('task lists', () => {
  it('my tasks: due first, undated last, each naming its procedure and process', async () => {
    const mine = await list('assignedTo=me', johnSession);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json._data.map((t: { title: string }) => t.title)).toEqual(['soon', 'later', 'undated']);
    expect(mine.json._data[0]).toMatchObject({ procedure: 'lead', processLabel: 'Bilal', process: leads[1], status: 'OPEN' });
    expect(mine.json._meta).toEqual({ hasMore: false, nextCursor: null });
    // The same list by username, with a key; "me" means nobody for a key.
    expect((await list('assignedTo=john@paisapay.com')).json._data.map((t: { id: string }) => t.id)).toEqual(
      mine.json._data.map((t: { id: string }) => t.id),
    );
    const me = await list('assignedTo=me');
    expect(me.status).toBe(400);
    expect(me.json._errors[0]).toMatch(/^assignedTo: "me" names the signed-in user/);
  });

  it('pages by cursor, each task once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(`assignedTo=me&limit=1${cursor ? `&cursor=${cursor}` : ''}`, johnSession);
      expect(page.status, page.text).toBe(200);
      seen.push(...page.json._data.map((t: { title: string }) => t.title));
      cursor = page.json._meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['soon', 'later', 'undated']);
    expect((await list('assignedTo=me&cursor=bogus', johnSession)).json._errors[0]).toMatch(/^cursor: /);
  });

  it("a process's tasks, whoever has them; bad filters name the field", async () => {
    expect((await list(`process=${leads[0]}`)).json._data.map((t: { title: string }) => t.title)).toEqual(['alex', 'later']);
    expect((await list('status=DONE&assignedTo=me', johnSession)).json._errors[0]).toBe('status: DONE is not OPEN, COMPLETED or CANCELLED');
    expect((await list('')).json._errors[0]).toBe('assignedTo: give assignedTo or process (or both)');
    expect((await list('assignedTo=nobody')).json._errors[0]).toBe('assignedTo: no user nobody in this team');
  });

  it('complete, cancel and reopen a task; lists follow its status', async () => {
    const done = await call(s.url, 'PATCH', `/v1/ext/task/${tasks.soon}`, {
      headers: johnSession,
      body: { status: 'COMPLETED', data: { primary_disposition: 'interested', remarks: 'Will visit' } },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json._data).toMatchObject({ status: 'COMPLETED', completedAt: expect.any(Number), cancelledAt: null });
    expect(done.json._data.data).toEqual({ primary_disposition: 'interested', remarks: 'Will visit' });
    expect((await list('assignedTo=me', johnSession)).json._data.map((t: { title: string }) => t.title)).toEqual(['later', 'undated']);
    expect((await list('assignedTo=me&status=COMPLETED', johnSession)).json._data.map((t: { title: string }) => t.title)).toEqual(['soon']);

    const cancelled = await call(s.url, 'PATCH', `/v1/ext/task/${tasks.later}`, { key: s.demoKey, body: { status: 'CANCELLED' } });
    expect(cancelled.json._data).toMatchObject({ status: 'CANCELLED', completedAt: null, cancelledAt: expect.any(Number) });
    const reopened = await call(s.url, 'PATCH', `/v1/ext/task/${tasks.later}`, { key: s.demoKey, body: { status: 'OPEN', dueBy: null } });
    expect(reopened.json._data).toMatchObject({ status: 'OPEN', cancelledAt: null, dueBy: null });

    const bad = await call(s.url, 'PATCH', `/v1/ext/task/${tasks.undated}`, {
      key: s.demoKey,
      body: { data: { primary_disposition: 'maybe' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json._errors[0]).toMatch(/^data\.primary_disposition: /);
    const missing = await call(s.url, 'PATCH', '/v1/ext/task/00000000-0000-4000-8000-000000000000', {
      key: s.demoKey,
      body: { status: 'OPEN' },
    });
    expect(missing.status).toBe(404);
    // Without the CSRF token a session changes nothing.
    const forged = await call(s.url, 'PATCH', `/v1/ext/task/${tasks.undated}`, {
      headers: { cookie: johnSession.cookie },
      body: { status: 'CANCELLED' },
    });
    expect(forged.status).toBe(403);
  });
});
