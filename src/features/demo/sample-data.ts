/**
 * Writes the demo team's sample data (DEMO_SAMPLE_DATA) on the first start, inside the
 * transaction that applies the demo workspace: an interrupted first start leaves neither, and
 * the next start, finding an empty database again, writes both once.
 *
 * Every row goes through the code a request would run — createProcess, createTask, the chat
 * store's recordOutgoing and the inbound path's insertIncomingMessages and applyStatus — so
 * the API's rules (validation, record linking, status order, webhook events) hold for it. Only
 * the timestamps are then moved into the past, so that lists and conversations read naturally.
 * Nothing is sent anywhere: no Graph API call is made, and no webhook subscription exists yet.
 */
import { randomUUID } from 'node:crypto';
import { joinTransaction } from '../../core/db/join-transaction.ts';
import type { Db, Queryable } from '../../core/db/types.ts';
import { recordOutgoing } from '../../whatsapp/chats/service.ts';
import { backdateChatMessages, insertIncomingMessages } from '../../whatsapp/chats/repo.ts';
import { textOf } from '../../whatsapp/chats/view.ts';
import { applyStatus } from '../../whatsapp/inbound/repo.ts';
import { buildTeamConfig } from '../config/model.ts';
import { loadTeamConfigRows } from '../config/repo.ts';
import { createProcess, procedureOf, type ProcessView } from '../processes/service.ts';
import { createTask } from '../tasks/service.ts';
import * as repo from './repo.ts';
import { sampleContent, type SampleChat } from './sample-content.ts';
import type { DatedRow } from '../../core/db/dated-rows.ts';
import { backdateProcesses } from '../processes/bulk-repo.ts';
import { backdateTasks } from '../tasks/repo.ts';
import { backdateHistory } from '../history/repo.ts';
import { SYSTEM_ACTOR } from '../../core/auth/principal.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface SampleDataSummary {
  processes: number;
  tasks: number;
  chatMessages: number;
}

/** Adds the sample to team `teamId` (the demo workspace's team) within `tx`; `now` is the first start's time. */
export async function addDemoSampleData(db: Db, tx: Queryable, teamId: string, now = Date.now()): Promise<SampleDataSummary> {
  const joined = joinTransaction(db, tx);
  const config = buildTeamConfig(await loadTeamConfigRows(joined, teamId));
  const content = sampleContent(now);
  // Never in the future, whatever the offsets add up to.
  const at = (ms: number) => new Date(Math.min(ms, now - MINUTE));

  const byKey = new Map<string, ProcessView>();
  const processTimes: DatedRow[] = [];
  const taskTimes: DatedRow[] = [];
  for (const sample of content.processes) {
    const procedure = procedureOf(config, sample.procedure);
    const process = await createProcess(joined, config, procedure, sample.input, SYSTEM_ACTOR);
    byKey.set(sample.key, process);
    const createdAt = now - sample.ageHours * HOUR;
    let lastTouched = createdAt;
    for (const task of sample.tasks) {
      const created = await createTask(joined, config, procedure, process.id, task.stateTask, task.input, SYSTEM_ACTOR);
      const taskCreatedAt = createdAt + task.afterHours * HOUR;
      const taskUpdatedAt = created.status === 'OPEN' ? taskCreatedAt : taskCreatedAt + 25 * MINUTE;
      taskTimes.push({ id: created.id, createdAt: at(taskCreatedAt), updatedAt: at(taskUpdatedAt) });
      lastTouched = Math.max(lastTouched, taskUpdatedAt);
    }
    processTimes.push({ id: process.id, createdAt: at(createdAt), updatedAt: at(lastTouched) });
  }
  await backdateProcesses(tx, processTimes);
  await backdateTasks(tx, taskTimes);
  await backdateHistory(tx, processTimes, taskTimes);

  let chatMessages = 0;
  const number = await repo.firstSendingNumber(tx, teamId);
  if (number) {
    const messageTimes: DatedRow[] = [];
    for (const chat of content.chats) {
      const lead = byKey.get(chat.leadKey);
      if (lead) messageTimes.push(...(await writeConversation(tx, teamId, number, lead, chat, now)));
    }
    await backdateChatMessages(tx, messageTimes);
    chatMessages = messageTimes.length;
  }
  return { processes: processTimes.length, tasks: taskTimes.length, chatMessages };
}

/** A conversation with the lead's customer, message by message as the send and inbound paths store them. */
async function writeConversation(
  tx: Queryable,
  teamId: string,
  number: repo.SendingNumber,
  lead: ProcessView,
  chat: SampleChat,
  now: number,
): Promise<DatedRow[]> {
  const phone = String(lead.data.phone_number);
  const times: DatedRow[] = [];
  for (const [i, message] of chat.messages.entries()) {
    const sentAt = now - message.minutesAgo * MINUTE;
    // Shaped like Meta's message ids, fixed per message so the sample is the same on every run.
    const wamid = `wamid.${Buffer.from(`demo:${chat.leadKey}:${i}`).toString('base64url')}`;
    if (message.direction === 'INCOMING') {
      // The message object as Meta's webhook delivers it.
      const payload = { from: phone, id: wamid, timestamp: String(Math.floor(sentAt / 1000)), type: 'text', text: { body: message.text } };
      const [row] = await insertIncomingMessages(tx, teamId, number.plugin_id, [
        {
          id: randomUUID(),
          phone_number: phone,
          whatsapp_phone_number_id: number.phone_number_id,
          external_id: wamid,
          data_type: 'text',
          text: textOf(payload),
          payload,
        },
      ]);
      times.push({ id: row.id, createdAt: new Date(sentAt), updatedAt: new Date(sentAt) });
      continue;
    }
    // The message object as a client posts it to the messages pass-through, linked to the lead as a process send is.
    const row = await recordOutgoing(tx, {
      teamId,
      pluginId: number.plugin_id,
      phoneNumberId: number.phone_number_id,
      to: phone,
      payload: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: phone,
        type: 'text',
        text: { preview_url: false, body: message.text },
      },
      wamid,
      deliveryStatus: 'SENT',
      procedureId: lead.procedure,
      processId: lead.id,
    });
    // Meta's statuses, in the order its webhook reports them.
    const reached = ['DELIVERED', 'READ'].slice(0, message.status === 'READ' ? 2 : message.status === 'DELIVERED' ? 1 : 0);
    for (const status of reached) await applyStatus(tx, teamId, wamid, status, null);
    times.push({ id: row.id, createdAt: new Date(sentAt), updatedAt: new Date(sentAt + reached.length * 2 * MINUTE) });
  }
  return times;
}
