/**
 * Template sends (decisions.md §4): resolve the template, build and check Meta's message, send
 * it from the plugin's number, keep it in the chat store, answer the stored chat message.
 * 5xx, rate-limit (130429, 131056) and network failures are retried a few times within the call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { recordOutgoing } from '../chats/service.ts';
import { findMessage } from '../chats/repo.ts';
import { toChatMessageView } from '../chats/view.ts';
import { graphFor, type GraphAnswer, type GraphClient } from '../graph/graph-client.ts';
import { phoneNumberOf } from '../plugins/lookup.ts';
import { findPlugin } from '../plugins/service.ts';
import { buildTemplateMessage, type TemplateSendInput } from '../templates/build-template-message.ts';
import { GRAPH_VERSION, resolveTemplate } from '../templates/template-cache.ts';
import type { TemplateSend } from './schemas.ts';

const ATTEMPTS = 3;
const RETRY_CODES = new Set([130429, 131056, 131000, 2, 1]);

/** Thrown with Meta's answer when Meta refuses the send; the route answers it in Meta's terms. */
export class MetaRefused extends Error {
  constructor(readonly answer: GraphAnswer) {
    super('Meta refused the message');
  }
}

function retryable(answer: GraphAnswer): boolean {
  const code = (answer.body as { error?: { code?: number } })?.error?.code;
  return answer.status >= 500 || answer.status === 429 || (code !== undefined && RETRY_CODES.has(code));
}

async function sendWithRetries(graph: GraphClient, pnid: string, message: unknown): Promise<GraphAnswer> {
  for (let attempt = 1; ; attempt++) {
    let answer: GraphAnswer;
    try {
      answer = await graph.call('POST', `${GRAPH_VERSION}/${pnid}/messages`, { body: message });
    } catch (err) {
      if (attempt >= ATTEMPTS || !(err instanceof AppError) || err.code !== 'UPSTREAM_UNAVAILABLE') throw err;
      await sleep(200 * attempt);
      continue;
    }
    if (answer.status < 300 || !retryable(answer) || attempt >= ATTEMPTS) return answer;
    await sleep(200 * attempt);
  }
}

export interface SendTarget {
  /** Recipient digits. */
  to: string;
  procedureId?: string;
  processId?: string;
}

export async function sendTemplate(ctx: AppContext, teamId: string, pluginId: string, target: SendTarget, body: TemplateSend) {
  const plugin = await findPlugin(ctx.db, teamId, pluginId);
  const pnid = String(body.whatsappPhoneNumberId);
  const number = await phoneNumberOf(ctx.db, teamId, plugin.id, pnid);
  const graph = graphFor(ctx, plugin);
  const language = (body.language || body.languageCode || undefined) ?? undefined;
  const template = await resolveTemplate(ctx.db, graph, teamId, number.waba_id, body.templateName, language);
  const { message, text } = buildTemplateMessage(target.to, template, body as TemplateSendInput);

  const answer = await sendWithRetries(graph, pnid, message);
  if (answer.status >= 300) throw new MetaRefused(answer);
  const wamid = (answer.body as { messages?: { id?: string }[] })?.messages?.[0]?.id ?? null;
  const outgoing = {
    teamId,
    pluginId: plugin.id,
    phoneNumberId: pnid,
    to: target.to,
    payload: message,
    wamid,
    deliveryStatus: 'SENT' as const,
    text,
    procedureId: target.procedureId,
    processId: target.processId,
  };
  try {
    const id = await ctx.db.tx((tx) => recordOutgoing(tx, outgoing));
    return { message: toChatMessageView((await findMessage(ctx.db, teamId, id))!) };
  } catch (err) {
    // Meta has the message: answering an error would invite a retry that sends it twice.
    ctx.log.error({ err: (err as Error).message, wamid }, 'sent template message not recorded in the chat store');
    return { message: { externalId: wamid, deliveryStatus: 'SENT', text, direction: 'OUTGOING' }, warning: 'sent, but not recorded in the chat store' };
  }
}