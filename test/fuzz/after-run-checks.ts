/**
 * What must still work once the run is over: the health endpoints, the run's own key, and the
 * background work hostile input could have jammed — an inbound Meta event sent now is still
 * processed into the chat store (one poisoned event must never stop the ones behind it).
 */
import { createHmac, randomInt } from 'node:crypto';
import { call, type TestServer } from '../helpers/server.ts';
import type { Pools } from './fixtures.ts';

const INBOUND_WAIT_MS = 15_000;

function inboundMessage(p: Pools, from: string, wamid: string, text: string) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: p.wabaIds[0],
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '917259775805', phone_number_id: p.phoneNumberIds[0] },
              contacts: [{ profile: { name: 'After the run' }, wa_id: from }],
              messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text }, type: 'text' }],
            },
          },
        ],
      },
    ],
  });
}

/** One line per thing that no longer works (none: all is well). */
export async function checkAfterRun(s: TestServer, adminKey: string, pools: Pools, appSecret: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [path, key] of [['/healthz'], ['/readyz'], ['/v1/health', adminKey]] as [string, string?][]) {
    const res = await call(s.url, 'GET', path, { key });
    if (res.status !== 200) problems.push(`GET ${path} answered ${res.status} ${res.text.slice(0, 200)}`);
  }

  const from = `9198${randomInt(10_000_000, 99_999_999)}`;
  const wamid = `wamid.AFTER${randomInt(1e9)}`;
  const raw = inboundMessage(pools, from, wamid, 'still listening?');
  const signature = `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
  const posted = await call(s.url, 'POST', `/v1/webhooks/whatsapp/${pools.pluginIds[0]}`, {
    raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
  });
  if (posted.status !== 200) return [...problems, `a signed inbound event answered ${posted.status} ${posted.text.slice(0, 200)}`];
  const deadline = Date.now() + INBOUND_WAIT_MS;
  for (;;) {
    const list = await call(s.url, 'POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
      key: adminKey,
      body: { customerPhoneNumber: from },
    });
    if (list.status === 200 && list.json._data.some((m: { externalId: string }) => m.externalId === wamid)) break;
    if (Date.now() > deadline) {
      problems.push(
        `an inbound message sent after the run was not processed within ${INBOUND_WAIT_MS / 1000} s (inbound processing is stuck)`,
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return problems;
}
