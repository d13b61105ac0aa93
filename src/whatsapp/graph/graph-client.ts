/**
 * Calls to Meta's Graph API for one plugin: its base URL (WHATSAPP_GRAPH_URL overriding), its
 * token, a timeout. Answers Meta's status and JSON as they are; a timeout or an unreachable
 * Graph API is an AppError the caller's endpoint turns into 504 / 502.
 */
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { SecretBox } from '../../core/secrets.ts';
import type { PluginRow } from '../plugins/repo.ts';
import { scrubTokens } from './scrub.ts';

export const GRAPH_TIMEOUT_MS = 15_000;

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

export function graphBaseUrl(plugin: Pick<PluginRow, 'graph_api_url'>, override: string | undefined): string {
  const url = override ?? plugin.graph_api_url;
  if (url === 'sandbox') {
    throw new AppError('UPSTREAM_UNAVAILABLE', { reason: 'this plugin points at the bundled sandbox, which is not part of this release yet' });
  }
  return (url || DEFAULT_GRAPH_URL).replace(/\/+$/, '');
}

export function graphClient(plugin: PluginRow, deps: { secrets: SecretBox; graphUrlOverride: string | undefined; timeoutMs?: number }): GraphClient {
  const timeoutMs = deps.timeoutMs ?? GRAPH_TIMEOUT_MS;
  const token = () => (plugin.access_token_enc ? deps.secrets.decrypt(plugin.access_token_enc) : '');
  const unreachable = (err: unknown) =>
    (err as Error).name === 'TimeoutError'
      ? new AppError('UPSTREAM_TIMEOUT', { timeoutMs })
      : new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the Graph API could not be reached' });
  return {
    async download(url) {
      // The token goes only where Meta keeps media (or to the Graph URL itself: a stand-in).
      if (!mediaHostAllowed(url, graphBaseUrl(plugin, deps.graphUrlOverride))) {
        throw new AppError('UPSTREAM_UNAVAILABLE', { reason: 'Meta gave a media URL outside its own hosts' });
      }
      let res: Response;
      try {
        res = await fetch(url, { headers: { authorization: `Bearer ${token()}` }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw unreachable(err);
      }
      if (Number(res.headers.get('content-length') ?? 0) > MAX_MEDIA_BYTES) throw new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the media is larger than 100 MB' });
      try {
        const bytes = Buffer.from(await res.arrayBuffer());
        return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/octet-stream', bytes };
      } catch (err) {
        throw unreachable(err);
      }
    },
    async call(method, path, options = {}) {
      const base = graphBaseUrl(plugin, deps.graphUrlOverride);
      const url = `${base}/${path.replace(/^\/+/, '')}${options.query ? `?${options.query}` : ''}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${token()}`, accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw unreachable(err);
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = { error: { message: text.slice(0, 500), type: 'NonJsonResponse', code: res.status } };
      }
      return { status: res.status, body: scrubTokens(body) };
    },
  };
}

/** The plugin's client with this process's settings (secrets, WHATSAPP_GRAPH_URL). */
export const graphFor = (ctx: Pick<AppContext, 'secrets' | 'config'>, plugin: PluginRow) =>
  graphClient(plugin, { secrets: ctx.secrets, graphUrlOverride: ctx.config.whatsappGraphUrl });
