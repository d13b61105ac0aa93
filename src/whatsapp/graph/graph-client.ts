/**
 * Calls to Meta's Graph API for one plugin: its base URL (WHATSAPP_GRAPH_URL overriding), its
 * token, a timeout. Answers Meta's status and JSON as they are; a timeout or an unreachable
 * Graph API is an AppError the caller's endpoint turns into 504 / 502.
 */
import { Type } from '@sinclair/typebox';
import { Agent, request, errors as undiciErrors } from 'undici';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../core/errors.ts';
import type { SecretBox } from '../../core/secrets.ts';
import type { PluginRow } from '../plugins/repo.ts';
import { sandboxFor } from '../sandbox/in-process.ts';
import { SANDBOX_GRAPH_URL } from './graph-url.ts';
import { scrubTokens } from './scrub.ts';

/** The Graph API version our own calls to Meta use (template lists, sends); pass-through calls keep the caller's. */
export const GRAPH_VERSION = 'v22.0';

const GRAPH_TIMEOUT_MS = 15_000;

/** The `{ver}` path segment of the pass-through endpoints, forwarded as given. */
export const GraphVersion = Type.String({ pattern: '^v[0-9]{1,3}\\.[0-9]{1,3}$', description: 'Graph API version, e.g. v22.0' });
const MAX_MEDIA_BYTES = 100 * 1024 * 1024;
const META_MEDIA_HOSTS = /(^|\.)(fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/i;

/** https on one of Meta's media hosts, or the same origin as the plugin's Graph URL. */
function mediaHostAllowed(url: string, graphBase: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (u.protocol === 'https:' && META_MEDIA_HOSTS.test(u.hostname)) || u.origin === new URL(graphBase).origin;
}
const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';

export interface GraphAnswer {
  status: number;
  body: unknown;
}

export interface GraphClient {
  call(method: string, path: string, options?: { query?: string; body?: unknown }): Promise<GraphAnswer>;
  /** Downloads a file Meta points at (a media `url`), with the plugin's token. */
  download(url: string): Promise<{ status: number; contentType: string; bytes: Buffer }>;
}

function graphBaseUrl(plugin: Pick<PluginRow, 'graph_api_url'>, override: string | undefined): string {
  return (override ?? (plugin.graph_api_url || DEFAULT_GRAPH_URL)).replace(/\/+$/, '');
}

/** What answers instead of Meta for a plugin on the in-process sandbox. */
export interface InjectTarget {
  inject(request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload?: string;
  }): Promise<{ statusCode: number; body: string }>;
}

/** Meta's status and JSON from a text answer; a body that is not JSON becomes Meta-shaped. */
function answerOf(status: number, text: string): GraphAnswer {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: { message: text.slice(0, 500), type: 'NonJsonResponse', code: status } };
  }
  return { status, body: scrubTokens(body) };
}

/**
 * Connections to Meta, kept alive and shared by every plugin: a busy send queue makes
 * hundreds of calls a second, and a new TLS connection per call would dominate.
 */
const graphAgent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

export function graphClient(
  plugin: PluginRow,
  deps: { secrets: SecretBox; graphUrlOverride: string | undefined; timeoutMs?: number; sandbox?: InjectTarget },
): GraphClient {
  const timeoutMs = deps.timeoutMs ?? GRAPH_TIMEOUT_MS;
  let decrypted: string | undefined;
  // WHATSAPP_GRAPH_URL=sandbox sends every plugin to the sandbox, as graphApiUrl: sandbox does one.
  const sandboxed = (deps.graphUrlOverride ?? plugin.graph_api_url) === SANDBOX_GRAPH_URL && deps.sandbox !== undefined;
  const token = () => (decrypted ??= plugin.access_token_enc ? deps.secrets.decrypt(plugin.access_token_enc) : '');
  const unreachable = (err: unknown) =>
    (err as Error).name === 'TimeoutError'
      ? new AppError('UPSTREAM_TIMEOUT', { timeoutMs })
      : new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the Graph API could not be reached' });
  return {
    async download(url) {
      if (sandboxed) throw new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the sandbox keeps no media' });
      // The token goes only where Meta keeps media (or to the Graph URL itself: a stand-in).
      if (!mediaHostAllowed(url, graphBaseUrl(plugin, deps.graphUrlOverride))) {
        throw new AppError('UPSTREAM_UNAVAILABLE', { reason: 'Meta gave a media URL outside its own hosts' });
      }
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { authorization: `Bearer ${token()}` },
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw unreachable(err);
      }
      if (Number(res.headers.get('content-length') ?? 0) > MAX_MEDIA_BYTES)
        throw new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the media is larger than 100 MB' });
      try {
        const bytes = Buffer.from(await res.arrayBuffer());
        return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/octet-stream', bytes };
      } catch (err) {
        throw unreachable(err);
      }
    },
    async call(method, path, options = {}) {
      const target = `${path.replace(/^\/+/, '')}${options.query ? `?${options.query}` : ''}`;
      const headers = {
        authorization: `Bearer ${token()}`,
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      };
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      if (sandboxed) {
        const res = await deps.sandbox!.inject({ method, url: `/${target}`, headers, payload });
        return answerOf(res.statusCode, res.body);
      }
      const url = `${graphBaseUrl(plugin, deps.graphUrlOverride)}/${target}`;
      let status: number;
      let text: string;
      try {
        // undici's own request API: the same client as fetch without its stream and abort
        // machinery, which cost more CPU than the call itself at queue speed.
        const res = await request(url, {
          method: method as 'GET',
          dispatcher: graphAgent,
          headers,
          body: payload,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        status = res.statusCode;
        text = await res.body.text();
      } catch (err) {
        throw err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError
          ? new AppError('UPSTREAM_TIMEOUT', { timeoutMs })
          : new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the Graph API could not be reached' });
      }
      return answerOf(status, text);
    },
  };
}

/** The plugin's client with this process's settings (secrets, WHATSAPP_GRAPH_URL). */
export const graphFor = (ctx: Pick<AppContext, 'secrets' | 'config' | 'db' | 'log' | 'local'>, plugin: PluginRow) =>
  graphClient(plugin, {
    secrets: ctx.secrets,
    graphUrlOverride: ctx.config.whatsappGraphUrl,
    sandbox: (ctx.config.whatsappGraphUrl ?? plugin.graph_api_url) === SANDBOX_GRAPH_URL ? sandboxFor(ctx) : undefined,
  });
