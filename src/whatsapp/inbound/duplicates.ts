/**
 * Recognising Meta's redeliveries (docs/webhooks.md, "Duplicate deliveries from Meta"). Every
 * change of an event is made of items: a customer message (its wamid), a status (wamid and
 * status), an echo (its id); any other change (a template update, …) is one item, made of its
 * content and its entry's `time`. An item is new the first time the plugin processes it; a
 * change with no new item is a duplicate, forwarded to no webhook.
 */
import { createHash } from 'node:crypto';
import type { Change, Json } from './meta-changes.ts';

const list = (value: Json, key: string): Json[] => (Array.isArray(value[key]) ? value[key] : []);
/** Hashed, so an item's key has a fixed size whatever Meta (or an impostor with the app secret) sends. */
const key = (text: string) => createHash('sha256').update(text).digest('hex');

const messageItem = (wamid: string) => key(`message\u0001${wamid}`);
export const statusItem = (wamid: string, status: string) => key(`status\u0001${wamid}\u0001${status}`);
export const echoItem = (id: string) => key(`echo\u0001${id}`);

/** The items of one change. */
export function itemsOf(change: Change): string[] {
  const { field, value } = change;
  const items: string[] = [];
  if (field === 'messages') {
    for (const m of list(value, 'messages')) if (typeof m?.id === 'string') items.push(messageItem(m.id));
    for (const s of list(value, 'statuses'))
      if (typeof s?.id === 'string' && typeof s.status === 'string') items.push(statusItem(s.id, s.status));
  } else if (field === 'message_echoes' || field === 'smb_message_echoes') {
    for (const m of list(value, 'message_echoes')) if (typeof m?.id === 'string') items.push(echoItem(m.id));
  }
  return items.length ? items : [key(`change\u0001${String(field)}\u0001${JSON.stringify(change.time)}\u0001${JSON.stringify(value)}`)];
}

/**
 * The items of a batch that were never seen before (`fresh`, from the database), handed out in
 * event order: the first event that carries an item gets it as new, later ones as a duplicate.
 */
export class NewItems {
  constructor(private readonly fresh: Set<string>) {}

  /**
   * The new items of one event's changes, and the changes that bring at least one; taken, so a
   * later copy in the batch finds none.
   */
  take(changes: Change[]): { items: Set<string>; news: Change[] } {
    const items = new Set<string>();
    const news: Change[] = [];
    for (const change of changes) {
      let isNew = false;
      for (const item of itemsOf(change)) {
        if (this.fresh.delete(item)) {
          items.add(item);
          isNew = true;
        }
      }
      if (isNew) news.push(change);
    }
    return { items, news };
  }
}
