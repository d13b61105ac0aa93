/**
 * The sandbox's pretend customers: after Meta (the sandbox) accepts a message, the app's webhook
 * receives what Meta would send — `sent`, then `delivered`, then `read` statuses — and a business
 * -initiated template also gets a reply from the customer (session messages get none, so a bot
 * answering every message cannot loop with the sandbox). A `call_permission_request` gets the
 * customer's `call_permission_reply` (accepted, for 7 days). Events carry Meta's shapes: the
 * `messages` field with `statuses[]` or `messages[]` + `contacts[]`. Calls are played in
 * calling.ts through the same target and clock.
 */
import { randomBytes } from 'node:crypto';

export interface WebhookTarget {
  /** Posts one change for a number to the app's webhook (the host wraps it in Meta's envelope and signs it). */
  post(phoneNumberId: string, field: WebhookField, value: Record<string, unknown>): Promise<void>;
}

export type WebhookField = 'messages' | 'calls';

export interface AcceptedSend {
  phoneNumberId: string;
  /** The customer, digits only. */
  to: string;
  wamid: string;
  templateName?: string;
  /**
   * Set for an interactive `call_permission_request`: the customer accepts it, and this is
   * called (with the permission's expiry, unix seconds) just before the reply is posted.
   */
  grantCallPermission?(expirationTimestamp: number): void;
}

/** When each event follows the accepted send, in units of `unitMs`. */
const SCHEDULE = { sent: 0.3, delivered: 1, read: 2.5, reply: 4, permissionReply: 3 } as const;

/** How long an accepted call permission lasts (Meta: 7 days). */
export const CALL_PERMISSION_SECONDS = 7 * 24 * 3600;

const seconds = () => String(Math.floor(Date.now() / 1000));

export type CustomerSimulation = ReturnType<typeof customerSimulation>;

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

  /** A message from the customer, in answer to the accepted send. */
  const customerMessage = (s: AcceptedSend, content: Record<string, unknown>) =>
    target.post(s.phoneNumberId, 'messages', {
      messaging_product: 'whatsapp',
      contacts: [{ profile: { name: 'Sandbox Customer' }, wa_id: s.to }],
      messages: [
        {
          from: s.to,
          id: `wamid.HBgM${randomBytes(12).toString('base64url')}`,
          timestamp: seconds(),
          context: { id: s.wamid },
          ...content,
        },
      ],
    });

  const reply = (s: AcceptedSend) =>
    customerMessage(s, { type: 'text', text: { body: `Thanks! (a sandbox customer's reply to ${s.templateName})` } });

  const permissionReply = (s: AcceptedSend) => {
    const expiration = Math.floor(Date.now() / 1000) + CALL_PERMISSION_SECONDS;
    s.grantCallPermission?.(expiration);
    return customerMessage(s, {
      type: 'interactive',
      interactive: {
        type: 'call_permission_reply',
        call_permission_reply: { response: 'accept', expiration_timestamp: expiration, response_source: 'user_action' },
      },
    });
  };

  return {
    target,
    later,
    onError,
    accepted(s: AcceptedSend) {
      later(SCHEDULE.sent, () => status(s, 'sent'));
      later(SCHEDULE.delivered, () => status(s, 'delivered'));
      later(SCHEDULE.read, () => status(s, 'read'));
      if (s.templateName) later(SCHEDULE.reply, () => reply(s));
      if (s.grantCallPermission) later(SCHEDULE.permissionReply, () => permissionReply(s));
    },
  };
}
