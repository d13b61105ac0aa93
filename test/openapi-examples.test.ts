/**
 * Every request-body example in the OpenAPI document, sent as written against a fresh demo
 * workspace, in an order where each finds what it needs (a process to update, a chat to list).
 * Path parameters take the document's own examples; those that exist only once something is
 * created (a process id, a webhook id) are taken from the earlier answers. An example that a
 * reader copies into /docs' "try it" must work: a 2xx, and for bulk jobs every entry a SUCCESS.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { PLUGIN, PNID } from './helpers/demo-whatsapp.ts';
import { waitForJob } from './helpers/jobs.ts';

const APP_SECRET = 'example-app-secret';
const JOHN = 'bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c';

/** The operations with an example, in the order they are sent. */
const ORDER = [
  'createProcess',
  'updateProcess',
  'updateProcessByPrimaryKey',
  'listProcesses',
  'createSavedView',
  'createTask',
  'updateTask',
  'bulkCreateProcesses',
  'bulkUpdateProcesses',
  'updateUser',
  'patchUser',
  'createApiKey',
  'applyWorkspace',
  'createWebhookSubscription',
  'updateWebhookSubscription',
  'updateWhatsappPluginConfig',
  'createMessageTemplate',
  'editMessageTemplate',
  'sendTemplateMessageToPhone',
  'sendTemplateMessageToProcess',
  'sendTemplateMessageToProcessById',
  'sendSessionMessage',
  'updateCallingSettings',
  'sendCallAction',
  'receiveWhatsappWebhookEvents',
  'listChats',
  'listChatMessages',
  'listChatMessagesForPhoneNumber',
];

interface Example {
  operationId: string;
  method: string;
  path: string;
  pathParams: { name: string; example?: string }[];
  contentType: string;
  body: unknown;
}

let s: TestServer;
let examples: Map<string, Example>;
beforeAll(async () => {
  s = await startTestServer({ DEMO_WHATSAPP_APP_SECRET: APP_SECRET });
  const doc = (await call(s.url, 'GET', '/openapi.json')).json;
  examples = new Map();
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      for (const [contentType, media] of Object.entries<Record<string, any>>(op.requestBody?.content ?? {})) {
        const bodies = media.example !== undefined ? [media.example] : Object.values<any>(media.examples ?? {}).map((e) => e.value);
        expect(bodies.length, `${op.operationId} has several examples: send each`).toBeLessThanOrEqual(1);
        if (bodies.length === 0) continue;
        const pathParams = (op.parameters ?? [])
          .filter((p: any) => p.in === 'path')
          .map((p: any) => ({ name: p.name, example: p.example }));
        examples.set(op.operationId, {
          operationId: op.operationId,
          method: method.toUpperCase(),
          path,
          pathParams,
          contentType,
          body: bodies[0],
        });
      }
    }
  }
}, 60_000);
afterAll(() => s?.close());

/** Values that exist once an earlier example has run, by parameter name (and operation, where a name means several things). */
const created: Record<string, string> = {};
const runtimeValue = (op: Example, name: string) =>
  name === 'id'
    ? { updateUser: JOHN, patchUser: JOHN, updateWebhookSubscription: created.webhookId }[op.operationId]
    : (
        { processId: created.processId, templateId: created.templateId, chatId: created.chatId, taskId: created.taskId } as Record<
          string,
          string | undefined
        >
      )[name];

async function send(op: Example) {
  let path = op.path;
  for (const p of op.pathParams) {
    const value = p.example ?? runtimeValue(op, p.name);
    expect(value, `${op.operationId}: no value for {${p.name}}`).toBeDefined();
    path = path.replace(`{${p.name}}`, encodeURIComponent(value!));
  }
  const raw = JSON.stringify(op.body);
  const headers: Record<string, string> = { 'content-type': op.contentType };
  // Meta signs what it posts; so does this test, with the app secret the server was given.
  if (op.operationId === 'receiveWhatsappWebhookEvents')
    headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
  const res = await call(s.url, op.method, path, { key: s.demoKey, raw, headers });
  expect(res.status, `${op.operationId} answered ${res.status}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
  expect(res.status, `${op.operationId} answered ${res.status}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
  return res.json;
}

async function askCallPermission() {
  const res = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v22.0/${PNID}/messages`, {
    key: s.demoKey,
    body: {
      messaging_product: 'whatsapp',
      to: '919876543210',
      type: 'interactive',
      interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' }, body: { text: 'May we call you?' } },
    },
  });
  expect(res.status, res.text).toBe(200);
}

it('covers every operation that has an example, and every one has', () => {
  expect([...examples.keys()].sort()).toEqual([...ORDER].sort());
});

it('sends each example and gets the documented success', async () => {
  for (const operationId of ORDER) {
    const op = examples.get(operationId)!;
    // Meta calls only customers who said yes: ask first, as a business would (the sandbox, with
    // its customer switched off in tests, says yes at once).
    if (operationId === 'sendCallAction') await askCallPermission();
    const answer = await send(op);
    switch (operationId) {
      case 'createProcess':
        created.processId = answer._data.id;
        break;
      case 'createTask':
        created.taskId = answer._data.id;
        break;
      case 'bulkCreateProcesses':
      case 'bulkUpdateProcesses': {
        const job = await waitForJob(s.url, s.demoKey, answer._data.id);
        expect(job._data.completionStatus, operationId).toBe('COMPLETED');
        expect(job._meta.bjEntryCompletionStatusVsCount, operationId).toMatchObject({ SUCCESS: 2, ERROR: 0, INVALID: 0 });
        break;
      }
      case 'createWebhookSubscription':
        created.webhookId = answer._data.id;
        break;
      case 'createMessageTemplate':
        created.templateId = answer.id;
        break;
      case 'listChats':
        created.chatId = answer._data[0]?.id;
        expect(answer._data.length).toBeGreaterThan(0);
        break;
    }
  }
  // What the examples did is there to see.
  const lead = (await call(s.url, 'GET', `/v1/ext/procedure/lead/process/${created.processId}`, { key: s.demoKey })).json._data;
  expect(lead).toMatchObject({ state: 'CONTACTED', data: { lead_id: 'LEAD-1001', score: 72 } });
  const config = (await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey })).json._data;
  expect(config.procedures.map((p: { shortId: string }) => p.shortId)).toContain('callback_request');
}, 120_000);
