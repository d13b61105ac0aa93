/**
 * The sandbox's pretend customers: after Meta (the sandbox) accepts a message, the app's webhook
 * receives what Meta would send — `sent`, then `delivered`, then `read` statuses — and a business
 * -initiated template also gets a reply from the customer (session messages get none, so a bot
 * answering every message cannot loop with the sandbox). Events carry Meta's shapes: the
 * `messages` field with `statuses[]` or `messages[]` + `contacts[]`.
 */
import { randomBytes } from 'node:crypto';

export interface WebhookTarget {
  /** Posts one change for a number to the app's webhook (the host wraps it in Meta's envelope and signs it). */
  post(phoneNumberId: string, field: 'messages', value: Record<string, unknown>): Promise<void>;
}

export interface AcceptedSend {
  phoneNumberId: string;
  /** The customer, digits only. */
  to: string;
  wamid: string;
  templateName?: string;
}

/** When each event follows the accepted send, in units of `unitMs`. */
const SCHEDULE = { sent: 0.3, delivered: 1, read: 2.5, reply: 4 } as const;

const seconds = () => String(Math.floor(Date.now() / 1000));

export function customerSimulation(target: WebhookTarget, unitMs: number, onError: (err: Error) => void) {
  const later = (units: number, fn: () => Promise<void>) => setTimeout(() => void fn().catch(onError), units * unitMs).unref();

  const status = (s: AcceptedSend, st: 'sent' | 'delivered' | 'read') =>
    target.post(s.phoneNumberId, 'messages', {
      messaging_product: 'whatsapp',
      statuses: [
        {
          id: s.wamid,
          status: st,
          timestamp: seconds(),
          recipient_id: s.to,
          ...(st === 'read'
            ? {}
            : {
                conversation: { id: `sandbox-${s.to}`, origin: { type: s.templateName ? 'utility' : 'service' } },
                pricing: { billable: Boolean(s.templateName), pricing_model: 'CBP', category: s.templateName ? 'utility' : 'service' },
              }),
        },
      ],
    });

  const reply = (s: AcceptedSend) =>
    target.post(s.phoneNumberId, 'messages', {
      messaging_product: 'whatsapp',
      contacts: [{ profile: { name: 'Sandbox Customer' }, wa_id: s.to }],
      messages: [
        {
          from: s.to,
          id: `wamid.HBgM${randomBytes(12).toString('base64url')}`,
          timestamp: seconds(),
          context: { id: s.wamid },
          type: 'text',
          text: { body: `Thanks! (a sandbox customer's reply to ${s.templateName})` },
        },
      ],
    });

  return {
    accepted(s: AcceptedSend) {
      later(SCHEDULE.sent, () => status(s, 'sent'));
      later(SCHEDULE.delivered, () => status(s, 'delivered'));
      later(SCHEDULE.read, () => status(s, 'read'));
      if (s.templateName) later(SCHEDULE.reply, () => reply(s));
    },
  };
}
