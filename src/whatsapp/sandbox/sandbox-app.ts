/**
 * The bundled sandbox: a stand-in for Meta's WhatsApp Cloud API (design.md "WhatsApp without
 * Meta"). It answers the message and template endpoints with Meta's shapes and error objects,
 * checks a send as Meta does (recipient, template name and language, parameter count), keeps a
 * template list per WABA that starts with a few examples and grows with the templates created
 * through it, and refuses sends above a number's throughput with 130429. State lives in memory.
 *
 * Mounted in-process for plugins whose `graphApiUrl` is `sandbox` (reached through inject, not
 * a socket), and served on its own port by `chakra sandbox`.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { memoryRateLimiter, type RateDecision, type RateLimiter } from '../../core/rate-limit.ts';
import { registerCalling } from './calling.ts';
import type { AcceptedSend, CustomerSimulation } from './customer-simulation.ts';

interface SandboxTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: Record<string, any>[];
}

export interface SandboxOptions {
  /** A number's throughput in messages/s (0 or undefined: unlimited). */
  messagesPerSecond(phoneNumberId: string): Promise<number | undefined> | number | undefined;
  /**
   * The pretend customers (callbacks on): told of every message accepted, they post statuses and
   * replies through the app's webhook, answer call permission requests and play calls.
   */
  customer?: CustomerSimulation;
  /** A number's display phone number, a call's `from` (the pnid when unknown). */
  displayNumber?(phoneNumberId: string): Promise<string | undefined> | string | undefined;
}

const TRACE = 'ASandboxTrace';
const MAX_TEMPLATES_PER_WABA = 500;

function metaError(message: string, code: number, details?: string, type = 'OAuthException') {
  return {
    error: { message, type, code, ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}), fbtrace_id: TRACE },
  };
}

/** The examples every WABA starts with (the docs' examples use them). */
function seedTemplates(nextId: () => string): SandboxTemplate[] {
  const t = (name: string, language: string, category: string, components: Record<string, any>[]): SandboxTemplate => ({
    id: nextId(),
    name,
    language,
    status: 'APPROVED',
    category,
    parameter_format: 'POSITIONAL',
    components,
  });
  return [
    t('hello_world', 'en_US', 'UTILITY', [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta.',
      },
    ]),
    t('order_update', 'en', 'UTILITY', [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.' }]),
    t('christmas_promo_23', 'en_US', 'MARKETING', [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Hi {{1}}, enjoy {{2}} off!' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://shop.example.com/{{1}}' }] },
    ]),
  ];
}

const placeholderCount = (text: unknown) =>
  new Set([...String(text ?? '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1])).size;

export function buildSandbox(options: SandboxOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const templates = new Map<string, SandboxTemplate[]>();
  const limiters = new Map<string, { rate: number; buckets: RateLimiter }>();
  let counter = 1_000_000;
  const nextId = () => String(++counter);
  const examples = seedTemplates(nextId);
  const wabaTemplates = (waba: string) => {
    let list = templates.get(waba);
    if (!list) {
      list = examples.map((t) => structuredClone(t));
      templates.set(waba, list);
    }
    return list;
  };
  /** Sends are checked against every WABA's templates (the sandbox does not know which WABA a number is in). */
  const anyTemplate = (match: (t: SandboxTemplate) => boolean) => [...templates.values()].flat().find(match) ?? examples.find(match);
  const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).send(body);

  app.addHook('onRequest', async (request, reply) => {
    if (!/^Bearer \S+/.test(request.headers.authorization ?? '')) {
      return reply.code(401).send(metaError('Invalid OAuth access token - Cannot parse access token', 190));
    }
  });

  /** A token bucket per number holding a fifth of a second of sends (at least 3, so a few sends bunched by a network stall pass), refilled at its rate. */
  async function overThroughput(pnid: string): Promise<boolean> {
    const rate = (await options.messagesPerSecond(pnid)) ?? 0;
    if (!rate) return false;
    let limiter = limiters.get(pnid);
    if (!limiter || limiter.rate !== rate) {
      limiter = { rate, buckets: memoryRateLimiter(rate, Math.max(3, rate / 5)) };
      limiters.set(pnid, limiter);
    }
    return !(limiter.buckets.take(pnid) as RateDecision).allowed;
  }

  function checkTemplate(m: Record<string, any>): { status: number; body: unknown } | undefined {
    const name = m.template?.name;
    const language = m.template?.language?.code;
    if (typeof name !== 'string' || typeof language !== 'string')
      return { status: 400, body: metaError('(#100) Param template[name] and template[language][code] are required.', 100) };
    const found = anyTemplate((t) => t.name === name && t.language === language);
    if (found?.status !== 'APPROVED') {
      return {
        status: 404,
        body: metaError(
          '(#132001) Template name does not exist in the translation',
          132001,
          `template name (${name}) does not exist in ${language}`,
        ),
      };
    }
    const body = found.components.find((c) => c?.type === 'BODY');
    const expected = placeholderCount(body?.text);
    const given = (m.template.components ?? []).find((c: any) => c?.type === 'body')?.parameters?.length ?? 0;
    if (expected !== given) {
      return {
        status: 400,
        body: metaError(
          '(#132000) Number of parameters does not match the expected number of params',
          132000,
          `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
        ),
      };
    }
    return undefined;
  }

  const calling = registerCalling(app, { customer: options.customer, displayNumber: options.displayNumber, metaError });

  app.post<{ Params: { ver: string; pnid: string } }>('/:ver/:pnid/messages', async (request, reply) => {
    const m = (request.body ?? {}) as Record<string, any>;
    if (m.messaging_product !== 'whatsapp') return send(reply, 400, metaError('(#100) The parameter messaging_product is required.', 100));
    if (m.status === 'read') return send(reply, 200, { success: true });
    if (typeof m.to !== 'string' || !/^\+?\d{7,15}$/.test(m.to)) {
      return send(reply, 400, metaError('(#100) Invalid parameter', 100, 'Invalid WhatsApp ID'));
    }
    if (m.type === 'template') {
      const refused = checkTemplate(m);
      if (refused) return send(reply, refused.status, refused.body);
    }
    const permissionRequest = m.type === 'interactive' && m.interactive?.type === 'call_permission_request';
    if (permissionRequest && m.interactive.action?.name !== 'call_permission_request') {
      return send(reply, 400, metaError('(#100) Invalid parameter', 100, 'interactive.action.name: must be call_permission_request'));
    }
    if (await overThroughput(request.params.pnid)) {
      return send(reply, 400, metaError('(#130429) Rate limit hit', 130429, 'Cloud API message throughput has been reached.'));
    }
    const wamid = `wamid.HBgM${randomBytes(12).toString('base64url')}`;
    const wa_id = m.to.replace('+', '');
    const accepted: AcceptedSend = {
      phoneNumberId: request.params.pnid,
      to: wa_id,
      wamid,
      templateName: m.type === 'template' ? m.template.name : undefined,
    };
    if (permissionRequest) accepted.grantCallPermission = calling.permissionRequested(request.params.pnid, wa_id);
    options.customer?.accepted(accepted);
    return send(reply, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: m.to, wa_id }],
      messages: [{ id: wamid, ...(m.type === 'template' ? { message_status: 'accepted' } : {}) }],
    });
  });

  app.get<{ Params: { ver: string; waba: string }; Querystring: { name?: string } }>('/:ver/:waba/message_templates', async (request) => {
    const list = wabaTemplates(request.params.waba).filter((t) => !request.query.name || t.name === request.query.name);
    return { data: list, paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } };
  });

  app.post<{ Params: { ver: string; waba: string } }>('/:ver/:waba/message_templates', async (request, reply) => {
    const t = (request.body ?? {}) as Record<string, any>;
    for (const field of ['name', 'language', 'category']) {
      if (typeof t[field] !== 'string' || !t[field]) return send(reply, 400, metaError(`(#100) The parameter ${field} is required.`, 100));
    }
    if (!/^[a-z0-9_]{1,512}$/.test(t.name))
      return send(reply, 400, metaError('(#100) Invalid parameter', 100, 'name: only lowercase letters, digits and underscores'));
    const list = wabaTemplates(request.params.waba);
    if (list.some((x) => x.name === t.name && x.language === t.language)) {
      return send(
        reply,
        400,
        metaError(`(#2388024) Content in this language already exists for ${t.name}`, 100, undefined, 'OAuthException'),
      );
    }
    if (list.length >= MAX_TEMPLATES_PER_WABA) return send(reply, 400, metaError('(#2388061) Message template limit exceeded', 100));
    const badComponents = componentsProblem(t.components ?? []);
    if (badComponents) return send(reply, 400, metaError(badComponents, 100));
    // The sandbox approves at once: there is no review to wait for.
    const created: SandboxTemplate = {
      id: nextId(),
      name: t.name,
      language: t.language,
      status: 'APPROVED',
      category: String(t.category).toUpperCase(),
      parameter_format: t.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
      components: Array.isArray(t.components) ? t.components : [],
    };
    list.push(created);
    return { id: created.id, status: created.status, category: created.category };
  });

  app.delete<{ Params: { ver: string; waba: string }; Querystring: { name?: string } }>(
    '/:ver/:waba/message_templates',
    async (request, reply) => {
      const list = wabaTemplates(request.params.waba);
      const left = list.filter((t) => t.name !== request.query.name);
      if (left.length === list.length) return send(reply, 400, metaError('(#100) Message template not found', 100));
      templates.set(request.params.waba, left);
      return { success: true };
    },
  );

  app.post<{ Params: { ver: string; id: string } }>('/:ver/:id', async (request, reply) => {
    const template = [...templates.values()].flat().find((t) => t.id === request.params.id);
    if (!template)
      return send(
        reply,
        400,
        metaError(`Unsupported post request. Object with ID '${request.params.id}' does not exist`, 100, undefined, 'GraphMethodException'),
      );
    const components = (request.body as { components?: unknown } | null)?.components;
    if (components !== undefined) {
      const bad = componentsProblem(components);
      if (bad) return send(reply, 400, metaError(bad, 100));
      template.components = components as Record<string, any>[];
    }
    return { success: true };
  });

  /** Meta refuses components that are not a list of objects with a type, as the sandbox must. */
  function componentsProblem(components: unknown): string | undefined {
    if (!Array.isArray(components)) return '(#100) Param components must be an array';
    const i = components.findIndex((c) => c === null || typeof c !== 'object' || Array.isArray(c) || typeof c.type !== 'string');
    return i >= 0 ? `(#100) Param components[${i}] must be an object with a type` : undefined;
  }

  app.setNotFoundHandler((request, reply) => send(reply, 400, metaError(`Unknown path components: ${request.url.split('?')[0]}`, 2500)));
  app.setErrorHandler((err: { statusCode?: number; message: string }, _request, reply) =>
    send(reply, err.statusCode && err.statusCode < 500 ? 400 : 500, metaError(`(#100) ${err.message}`, 100)),
  );
  return app;
}
