/**
 * A strict stand-in for Meta's Graph API on a random local port: it records every request and
 * answers the template endpoints with Meta's shapes and error objects. Tests point the server at
 * it with WHATSAPP_GRAPH_URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
  /** performance.now() when the request arrived. */
  at: number;
  /** The HTTP status the double answered. */
  status?: number;
}

export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
}

export interface MetaDouble {
  url: string;
  requests: RecordedRequest[];
  /** Templates by WABA id. */
  templates: Map<string, MetaTemplate[]>;
  /** Media customers sent, by media id. */
  media: Map<string, { bytes: Buffer; mime: string; url?: string }>;
  /** When set, answers every request with this instead. */
  failWith?: { status: number; body: unknown };
  /** Meta's throughput limit per sending number: beyond it → 130429. Modelled as a token bucket holding 200 ms of sends, so a few sends a network stall bunched together pass, a burst does not. */
  messagesPerSecond?: number;
  /** Fails this share of sends with a 500 or a 130429, drawing from `random`. */
  flaky?: { ratio: number; random: () => number };
  /** Recipients not on the test number's allowed list → 131030, as Meta answers for test numbers. */
  notAllowed: Set<string>;
  /** Answers sends after this many ms. */
  latencyMs?: number;
  /** Sends refused for exceeding `messagesPerSecond`. */
  throttled: number;
  /** Calling settings by phone number id, as the last `POST /{pnid}/settings` left them. */
  callingSettings: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

const RATE_LIMIT_HIT = {
  error: {
    message: '(#130429) Rate limit hit',
    type: 'OAuthException',
    code: 130429,
    error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
    fbtrace_id: 'AbCdEfGhIjK',
  },
};
const SERVICE_UNAVAILABLE = {
  error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true, fbtrace_id: 'AbCdEfGhIjK' },
};
const NOT_ALLOWED = {
  error: {
    message: '(#131030) Recipient phone number not in allowed list',
    type: 'OAuthException',
    code: 131030,
    error_data: {
      messaging_product: 'whatsapp',
      details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
    },
    fbtrace_id: 'AbCdEfGhIjK',
  },
};

function metaError(message: string, code: number, type = 'OAuthException') {
  return { error: { message, type, code, fbtrace_id: 'AbCdEfGhIjK' } };
}

export async function startMetaDouble(listenPort = 0): Promise<MetaDouble> {
  const double: MetaDouble = {
    url: '',
    requests: [],
    templates: new Map(),
    media: new Map(),
    notAllowed: new Set(),
    throttled: 0,
    callingSettings: new Map(),
    close: async () => {},
  };
  let nextId = 1_000_000;
  /** Per sending number, a token bucket: refills at the throughput limit, holds 200 ms worth. */
  const buckets = new Map<string, { tokens: number; at: number }>();

  function overThroughput(pnid: string, now: number): boolean {
    const rate = double.messagesPerSecond;
    if (!rate) return false;
    const capacity = Math.max(1, rate / 5);
    const b = buckets.get(pnid) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    buckets.set(pnid, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }

  function handle(req: IncomingMessage, body: string, res: ServerResponse, at: number) {
    const [path, query = ''] = (req.url ?? '').split('?');
    const recorded: RecordedRequest = {
      method: req.method!,
      path,
      query,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
      at,
    };
    double.requests.push(recorded);
    const send = (status: number, json: unknown) => {
      recorded.status = status;
      const answer = () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (double.latencyMs) setTimeout(answer, double.latencyMs);
      else answer();
    };
    if (path === '/healthz') return send(200, { ok: true });
    if (double.failWith) return send(double.failWith.status, double.failWith.body);
    if (!req.headers.authorization?.startsWith('Bearer '))
      return send(401, metaError('Invalid OAuth access token - Cannot parse access token', 190));
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'media-bytes' && req.method === 'GET') {
      const media = double.media.get(parts[1]);
      if (!media) return send(404, metaError('Not found', 100));
      res.writeHead(200, { 'content-type': media.mime });
      return res.end(media.bytes);
    }
    if (parts.length === 2 && req.method === 'GET' && double.media.has(parts[1])) {
      const media = double.media.get(parts[1])!;
      return send(200, {
        messaging_product: 'whatsapp',
        url: media.url ?? `${double.url}/media-bytes/${parts[1]}`,
        mime_type: media.mime,
        sha256: 'x',
        file_size: media.bytes.length,
        id: parts[1],
      });
    }
    if (parts.length === 3 && parts[2] === 'message_templates') {
      const list = double.templates.get(parts[1]) ?? [];
      double.templates.set(parts[1], list);
      const params = new URLSearchParams(query);
      if (req.method === 'GET') {
        const name = params.get('name');
        // One page, then an empty second one; as Meta does, the caller's token sits in the paging link.
        if (params.get('after')) return send(200, { data: [], paging: { cursors: { before: 'MjQZD', after: 'MjQZD' } } });
        const token = (req.headers.authorization ?? '').slice('Bearer '.length);
        const next = `${double.url}${path}?access_token=${token}&limit=25&after=MjQZD`;
        return send(200, {
          data: list.filter((t) => !name || t.name === name),
          paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' }, next },
        });
      }
      if (req.method === 'POST') {
        const t = JSON.parse(body || '{}');
        if (!t.name || !t.language || !t.category)
          return send(400, metaError('(#100) The parameter name is required.', 100, 'OAuthException'));
        const template = {
          id: String(nextId++),
          name: t.name,
          language: t.language,
          status: 'PENDING',
          category: t.category,
          components: t.components ?? [],
        };
        list.push(template);
        return send(200, { id: template.id, status: template.status, category: template.category });
      }
      if (req.method === 'DELETE') {
        const name = params.get('name');
        const before = list.length;
        double.templates.set(
          parts[1],
          list.filter((t) => t.name !== name),
        );
        return before === double.templates.get(parts[1])!.length
          ? send(400, metaError('Message template not found', 100))
          : send(200, { success: true });
      }
    }
    if (parts.length === 3 && ['settings', 'call_permissions', 'calls'].includes(parts[2])) return calling(req, parts, query, body, send);
    if (parts.length === 3 && parts[2] === 'messages' && req.method === 'POST') {
      let m: Record<string, any>;
      try {
        m = JSON.parse(body);
      } catch {
        return send(400, metaError('(#100) Invalid parameter', 100));
      }
      if (m.messaging_product !== 'whatsapp') return send(400, metaError('(#100) The parameter messaging_product is required.', 100));
      if (m.status === 'read') return send(200, { success: true });
      if (typeof m.to !== 'string' || !/^\+?\d{7,15}$/.test(m.to)) {
        return send(400, {
          error: {
            message: '(#100) Invalid parameter',
            type: 'OAuthException',
            code: 100,
            error_data: { messaging_product: 'whatsapp', details: 'Invalid WhatsApp ID' },
            error_user_msg: 'The phone number is not valid',
            fbtrace_id: 'AbCdEfGhIjK',
          },
        });
      }
      if (double.flaky && double.flaky.random() < double.flaky.ratio) {
        return double.flaky.random() < 0.5 ? send(500, SERVICE_UNAVAILABLE) : send(400, RATE_LIMIT_HIT);
      }
      if (overThroughput(parts[1], at)) {
        double.throttled++;
        return send(400, RATE_LIMIT_HIT);
      }
      if (double.notAllowed.has(m.to)) return send(400, NOT_ALLOWED);
      const wamid = `wamid.HBgM${Buffer.from(String(nextId++)).toString('base64')}`;
      return send(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: m.to, wa_id: m.to.replace('+', '') }],
        messages: [{ id: wamid }],
      });
    }
    if (parts.length === 2) {
      const template = [...double.templates.values()].flat().find((t) => t.id === parts[1]);
      if (!template)
        return send(400, metaError(`Unsupported get request. Object with ID '${parts[1]}' does not exist`, 100, 'GraphMethodException'));
      if (req.method === 'GET') return send(200, { id: template.id });
      if (req.method === 'POST') {
        Object.assign(template, { components: JSON.parse(body || '{}').components ?? template.components });
        return send(200, { success: true });
      }
    }
    return send(400, metaError('Unknown path components', 2500));
  }

  /** Meta's Calling API: settings, permissions and call actions, with Meta's answers and its 138006 for a callee who gave no permission. */
  function calling(req: IncomingMessage, parts: string[], query: string, body: string, send: (status: number, body: unknown) => void) {
    const pnid = parts[1];
    let b: Record<string, any> = {};
    try {
      b = body ? JSON.parse(body) : {};
    } catch {
      return send(400, metaError('(#100) Invalid parameter', 100));
    }
    if (parts[2] === 'settings' && req.method === 'GET') {
      const settings = structuredClone(double.callingSettings.get(pnid) ?? { calling: { status: 'DISABLED' } }) as Record<string, any>;
      const withSecrets = new URLSearchParams(query).get('include_sip_credentials') === 'true';
      for (const server of settings.calling?.sip?.servers ?? []) if (!withSecrets) delete server.sip_user_password;
      return send(200, settings);
    }
    if (parts[2] === 'settings' && req.method === 'POST') {
      double.callingSettings.set(pnid, b);
      return send(200, { success: true });
    }
    if (parts[2] === 'call_permissions' && req.method === 'GET') {
      const user = new URLSearchParams(query).get('user_wa_id');
      if (!user) return send(400, metaError('(#100) The parameter user_wa_id is required.', 100));
      const granted = !user.endsWith('0000');
      return send(200, {
        messaging_product: 'whatsapp',
        permission: granted ? { status: 'temporary', expiration_time: 1_900_000_000 } : { status: 'no_permission' },
        actions: [
          {
            action_name: 'send_call_permission_request',
            can_perform_action: !granted,
            limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: 0 }],
          },
          { action_name: 'start_call', can_perform_action: granted, limits: [{ time_period: 'PT24H', max_allowed: 5, current_usage: 0 }] },
        ],
      });
    }
    if (parts[2] === 'calls' && req.method === 'POST') {
      if (b.messaging_product !== 'whatsapp') return send(400, metaError('(#100) The parameter messaging_product is required.', 100));
      if (b.action === 'connect') {
        if (String(b.to ?? '').endsWith('0000'))
          return send(400, metaError('(#138006) No approved call permission from the recipient', 138006));
        return send(200, {
          messaging_product: 'whatsapp',
          calls: [{ id: `wacid.HBgL${Buffer.from(String(nextId++)).toString('base64url')}` }],
        });
      }
      return send(200, { messaging_product: 'whatsapp', success: true });
    }
    return send(400, metaError('Unsupported request', 100));
  }

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    const at = performance.now();
    req.on('end', () => handle(req, body, res, at));
  });
  await new Promise<void>((r) => server.listen(listenPort, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  double.url = `http://127.0.0.1:${port}`;
  double.close = () => new Promise((r) => server.close(() => r()));
  return double;
}
