/**
 * SQL for the demo sample data: the sending number to converse on. The rows themselves are
 * written by the services requests use, and placed in the past by their owners' repos.
 */
import type { Queryable } from '../../core/db/types.ts';

export interface SendingNumber {
  plugin_id: string;
  phone_number_id: string;
}

/** The team's first WhatsApp number (the demo plugin's), if it has one. */
export async function firstSendingNumber(q: Queryable, teamId: string): Promise<SendingNumber | undefined> {
  const rows = await q.query<SendingNumber>(
    'select plugin_id, phone_number_id from whatsapp_phone_numbers where team_id = $1 order by created_at, phone_number_id limit 1',
    [teamId],
  );
  return rows[0];
}
