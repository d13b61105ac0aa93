/**
 * Template sends (docs/whatsapp.md#template-sends): resolve the template, build and check
 * Meta's message, send it from the plugin's number, keep it in the chat store, answer the
 * stored chat message.
 * Synchronous sends wait for Meta (retrying 5xx, rate limits and network failures a few times
 * within the call); `async` ones are queued durably and answered at once as QUEUED.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../core/db/types.ts';
import { AppError } from '../../core/errors.ts';
import { recordOutgoing } from '../chats/service.ts';
import { toChatMessageView } from '../chats/view.ts';
import { graphFor, type GraphAnswer, type GraphClient } from '../graph/graph-client.ts';
import { buildTemplateMessage, type TemplateSendInput } from '../templates/build-template-message.ts';
import { GRAPH_VERSION } from '../graph/graph-client.ts';
import { reserveSlots, waitForSlot } from './lanes-repo.ts';
import { resultOfAnswer } from './meta-outcome.ts';
import type { TemplateSend } from './schemas.ts';
import { wakeAfterCommit } from './send-worker.ts';
import { senderOf, templateOf } from './sender-cache.ts';

const ATTEMPTS = 3;

/** Thrown with Meta's answer when Meta refuses the send; the route answers it in Meta's terms. */
export class MetaRefused extends Error {
  constructor(readonly answer: GraphAnswer) {
    super('Meta refused the message');
  }
}

/**
 * A synchronous send: a few attempts within the call for what is worth retrying, each in its
 * own slot of the number's pacing, like a queued send.
 */
async function sendWithRetries(db: Queryable, graph: GraphClient, pnid: string, perSecond: number, message: unknown): Promise<GraphAnswer> {
  for (let attempt = 1; ; attempt++) {
    await waitForOwnSlot(db, pnid, perSecond);
    let answer: GraphAnswer;
    try {
      answer = await graph.call('POST', `${GRAPH_VERSION}/${pnid}/messages`, { body: message });
    } catch (err) {
      if (attempt >= ATTEMPTS || !(err instanceof AppError) || err.code !== 'UPSTREAM_UNAVAILABLE') throw err;
      await sleep(200 * attempt);
      continue;
    }
    if (resultOfAnswer(answer).kind !== 'retry' || attempt >= ATTEMPTS) return answer;
    await sleep(200 * attempt);
  }
}

/** Waits for a slot of the number's pacing for one synchronous send, as a queued send does. */
async function waitForOwnSlot(db: Queryable, pnid: string, perSecond: number): Promise<void> {
  const slots = await reserveSlots(db, pnid, 1, perSecond);
  await waitForSlot(pnid, performance.now() + slots.firstInMs, slots.spacingMs);
}

export interface SendTarget {
  /** Recipient digits. */
  to: string;
  procedureId?: string;
  processId?: string;
}

export async function sendTemplate(
  ctx: AppContext,
  teamId: string,
  pluginId: string,
  target: SendTarget,
  body: TemplateSend,
  options: { async?: boolean } = {},
) {
  const pnid = String(body.whatsappPhoneNumberId);
  const { plugin, wabaId } = await senderOf(ctx, teamId, pluginId, pnid);
  const graph = graphFor(ctx, plugin);
  const language = (body.language || body.languageCode || undefined) ?? undefined;
  const template = await templateOf(ctx, graph, teamId, wabaId, body.templateName, language);
  const { message, text } = buildTemplateMessage(target.to, template, body as TemplateSendInput);

  const outgoing = {
    teamId,
    pluginId: plugin.id,
    phoneNumberId: pnid,
    to: target.to,
    payload: message,
    text,
    procedureId: target.procedureId,
    processId: target.processId,
  };

  if (options.async) {
    const stored = await recordOutgoing(ctx.db, { ...outgoing, wamid: null, deliveryStatus: 'QUEUED' });
    wakeAfterCommit(ctx, pnid);
    return { message: toChatMessageView(stored) };
  }

  const answer = await sendWithRetries(ctx.db, graph, pnid, plugin.messages_per_second, message);
  const result = resultOfAnswer(answer);
  if (result.kind !== 'sent') {
    // Kept so the chat store shows what was tried and why Meta refused it.
    await recordOutgoing(ctx.db, { ...outgoing, wamid: null, deliveryStatus: 'FAILED', error: result.failure }).catch((err) =>
      ctx.log.error({ err: (err as Error).message }, 'refused template message not recorded in the chat store'),
    );
    throw new MetaRefused(answer);
  }
  try {
    return { message: toChatMessageView(await recordOutgoing(ctx.db, { ...outgoing, wamid: result.wamid, deliveryStatus: 'SENT' })) };
  } catch (err) {
    // Meta has the message: answering an error would invite a retry that sends it twice.
    ctx.log.error({ err: (err as Error).message, wamid: result.wamid }, 'sent template message not recorded in the chat store');
    return {
      message: { externalId: result.wamid, deliveryStatus: 'SENT', text, direction: 'OUTGOING' },
      warning: 'sent, but not recorded in the chat store',
    };
  }
}
