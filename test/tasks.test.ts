import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let config: any;
const ALEX = 'alex@paisapay.com';
beforeAll(async () => {
  s = await startTestServer();
  config = (await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey })).json._data;
});
afterAll(() => s?.close());

const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, { key: s.demoKey, body });
const newLead = async (body: unknown) => (await api('POST', '/v1/ext/procedure/lead/process', body)).json._data;

describe('create task', () => {
  it('runs the documented example: a call logged against a lead by its primary key', async () => {
    const lead = await newLead({ data: { lead_id: 'LEAD-003750', firstname: 'Marshall' } });
    const res = await api('POST', '/v1/ext/p/lead/LEAD-003750/task/call', {
      data: { primary_disposition: 'callback', when_to_callback: 1618558867539, remarks: 'call after lunch' },
      status: 'COMPLETED',
      assignedTo: ALEX,
    });
    expect(res.status, res.text).toBe(200);
    const t = res.json._data;
    const stateTask = config.stateTasks.find((x: any) => x.shortId === 'call' && x.procedure === lead.procedure);
    expect(t).toMatchObject({
      process: lead.id,
      record: lead.record.id,
      stateTask: stateTask.id,
      taskType: stateTask.taskType,
      status: 'COMPLETED',
      data: { primary_disposition: 'callback', when_to_callback: 1618558867539, remarks: 'call after lunch' },
      cancelledAt: null,
      startedAt: null,
    });
    expect(t.completedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(t.assignedTo).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts the process uuid, defaults to OPEN, and sets cancelledAt for CANCELLED', async () => {
    const lead = await newLead({ data: {}, record: { data: { phone_number: '917000000001' } } });
    const open = await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, { data: { remarks: 'x' } });
    expect(open.json._data).toMatchObject({ status: 'OPEN', completedAt: null, cancelledAt: null, record: lead.record.id });
    const cancelled = await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, { status: 'CANCELLED', dueBy: '2026-12-01T10:00:00Z' });
    expect(cancelled.json._data.cancelledAt).toBeGreaterThan(0);
    expect(cancelled.json._data.dueBy).toBe(Date.parse('2026-12-01T10:00:00Z'));
  });

  it('refuses a state-bound task outside its states with 422 naming them', async () => {
    const lead = await newLead({ data: {} });
    const res = await api('POST', `/v1/ext/p/lead/${lead.id}/task/meeting`, { data: { remarks: 'x' } });
    expect(res.status).toBe(422);
    expect(res.json._meta.code).toBe('UNPROCESSABLE');
    expect(res.json._errors).toEqual(['stateTask: meeting can only be created while the lead is in CONTACTED, QUALIFIED (it is in NEW)']);
    await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { state: 'CONTACTED' });
    expect((await api('POST', `/v1/ext/p/lead/${lead.id}/task/meeting`, { data: { remarks: 'x' } })).status).toBe(200);
  });

  it("validates the state task's attributes, naming each field", async () => {
    const lead = await newLead({ data: {} });
    const res = await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, {
      data: { primary_disposition: 'maybe', when_to_callback: 'later', score: 3 },
      assignedTo: 'ghost',
    });
    expect(res.status).toBe(400);
    expect(res.json._errors).toEqual([
      'data.primary_disposition: must be one of "interested", "not_interested", "callback", "wrong_number"',
      'data.when_to_callback: must be epoch milliseconds or an ISO-8601 time',
      'data.score: is not an attribute (known: primary_disposition, when_to_callback, remarks)',
    ]);
    const ghost = await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, { assignedTo: 'ghost' });
    expect(ghost.json._errors).toEqual(['assignedTo: unknown user ghost']);
  });

  it('404 for an unknown process, state task or procedure; a task of another procedure is unknown here', async () => {
    const lead = await newLead({ data: {} });
    expect((await api('POST', '/v1/ext/p/lead/LEAD-NOPE/task/call', {})).json._errors).toEqual(['lead process LEAD-NOPE not found']);
    expect((await api('POST', `/v1/ext/p/lead/${lead.id}/task/reply`, {})).json._errors).toEqual(['state task of lead reply not found']);
    expect((await api('POST', `/v1/ext/p/nope/${lead.id}/task/call`, {})).status).toBe(404);
  });
});
