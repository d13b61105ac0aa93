/**
 * The recipient of a send for a process (docs/whatsapp.md#template-sends): the procedure's
 * configured WhatsApp phone attribute, else the first phone attribute with a value in the
 * process's data, else in its record's data.
 */
import { AppError } from '../../core/errors.ts';
import { phoneDigits } from '../../features/attributes/check-value.ts';
import type { EntityDef, ProcedureDef } from '../../features/config/model.ts';

export function processPhone(
  procedure: ProcedureDef,
  entity: EntityDef | undefined,
  process: { data: Record<string, unknown>; record: { data: Record<string, unknown> } | null },
): string {
  const candidates: unknown[] = [];
  if (procedure.whatsappPhoneAttribute) candidates.push(process.data[procedure.whatsappPhoneAttribute]);
  for (const a of procedure.attributes) if (a.type === 'phone') candidates.push(process.data[a.shortId]);
  for (const a of entity?.attributes ?? []) if (a.type === 'phone') candidates.push(process.record?.data[a.shortId]);
  for (const value of candidates) {
    const phone = value === undefined || value === null || value === '' ? undefined : phoneDigits(value);
    if (phone?.ok) return phone.value as string;
  }
  throw new AppError('UNPROCESSABLE', {
    path: 'process',
    reason: `this ${procedure.shortId} process has no phone number to send to (no phone attribute holds one)`,
  });
}
