/** Meta's webhook bodies (WhatsApp Cloud API shapes) for the demo plugin's number, and their signature. */
import { createHmac } from 'node:crypto';
import { PNID, WABA } from './demo-whatsapp.ts';

const envelope = (field: string, value: object) =>
  JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ value, field }] }] });
const metadata = { display_phone_number: '917259775805', phone_number_id: PNID };

/** `X-Hub-Signature-256` as Meta computes it. */
export const signMeta = (raw: string | Buffer, appSecret: string) => `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;

export const statusEvent = (statuses: { id: string; status: string; errors?: unknown[] }[], recipient = '919900112240') =>
  envelope('messages', {
    messaging_product: 'whatsapp',
    metadata,
    statuses: statuses.map((st) => ({ ...st, timestamp: '1795945841', recipient_id: recipient })),
  });

export const messageEvent = (from: string, wamid: string, text: string, name = 'Asha') =>
  envelope('messages', {
    messaging_product: 'whatsapp',
    metadata,
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: '1795945841', text: { body: text }, type: 'text' }],
  });

export const templateStatusEvent = (templateId: string, name: string, event: string) =>
  envelope('message_template_status_update', {
    event,
    message_template_id: Number(templateId),
    message_template_name: name,
    message_template_language: 'en',
    reason: 'NONE',
  });

export const smbEchoEvent = (to: string, wamid: string, text: string) =>
  envelope('smb_message_echoes', {
    messaging_product: 'whatsapp',
    metadata,
    message_echoes: [{ from: '917259775805', to, id: wamid, timestamp: '1795945841', type: 'text', text: { body: text } }],
  });

/** A `calls` change: Meta's call events (connect, terminate) or call statuses (RINGING, ACCEPTED, REJECTED). */
export const callsEvent = (value: { calls?: object[]; statuses?: object[]; contacts?: object[] }) =>
  envelope('calls', { messaging_product: 'whatsapp', metadata, ...value });
