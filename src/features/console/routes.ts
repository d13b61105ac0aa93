/**
 * The web console's static files, web/dist, at /console/ (docs/console.md). Public routes (no
 * `auth`): the app itself signs in through the API.
 *
 * - index.html (any path under /console/ that is not a file: the app routes deep links itself)
 *   with `no-cache`, its `<base href>` set to the console's path behind PUBLIC_BASE_URL;
 * - hashed files under assets/ with a year's `immutable` cache, as `.br` or `.gz` (written at
 *   build) when Accept-Encoding takes them; a missing file is a 404, never the page;
 * - on every answer here, and only here, a strict Content-Security-Policy (the API reference at
 *   /docs runs inline scripts and keeps its own headers);
 * - `GET /` redirects to the console.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../core/errors.ts';
import { buildConsole, DIST_DIR } from './build.ts';

const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets style attributes and one <style> of CSS variables; scripts stay 'self' only.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

type Coding = 'br' | 'gzip';

/** The best of br and gzip the request's Accept-Encoding takes (q=0 refuses), or none. */
function pickEncoding(header: string | undefined): Coding | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const weight = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    q.set(name.trim(), weight ? Number(weight[1]) : 1);
  }
  const star = q.get('*') ?? 0;
  const take = (coding: string) => (q.has(coding) ? q.get(coding)! : star);
  if (take('br') > 0 && take('br') >= take('gzip')) return 'br';
  if (take('gzip') > 0) return 'gzip';
  return undefined;
}

interface Page {
  plain: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** index.html with its `<base href>` set to the console's path under the public URL's prefix. */
function loadPage(prefix: string): Page | undefined {
  const file = join(DIST_DIR, 'index.html');
  if (!existsSync(file)) return undefined;
  const href = `${prefix}/console/`.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = readFileSync(file, 'utf8').replace(/<base href="[^"]*"\s*\/?>/, `<base href="${href}" />`);
  const plain = Buffer.from(html);
  return { plain, br: brotliCompressSync(plain), gzip: gzipSync(plain) };
}

/** The path of PUBLIC_BASE_URL, without a trailing slash: '' or e.g. '/chakra'. */
function publicPrefix(publicBaseUrl: string): string {
  return new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
}

export function consoleRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    const prefix = publicPrefix(ctx.config.publicBaseUrl);
    if (!existsSync(join(DIST_DIR, 'index.html'))) {
      // A clean clone started without `npm install` having built it (or a build since removed).
      ctx.log.info('building the web console (web/dist is missing)');
      try {
        const ms = await buildConsole();
        ctx.log.info({ ms }, 'web console built');
      } catch (error) {
        ctx.log.warn({ err: error }, 'the web console could not be built: /console answers 503 (the API is not affected)');
      }
    }
    const page = loadPage(prefix);

    const sendPage = (request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(SECURITY_HEADERS);
      if (!page) {
        return reply
          .code(503)
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send('The web console is not built. Run `npm install` (with the development dependencies) in the server directory.\n');
      }
      const coding = pickEncoding(request.headers['accept-encoding']);
      reply.header('cache-control', 'no-cache').header('vary', 'accept-encoding').type('text/html; charset=utf-8');
      if (coding) reply.header('content-encoding', coding);
      return reply.send(coding ? page[coding] : page.plain);
    };

    const sendFile = (request: FastifyRequest, reply: FastifyReply, relative: string) => {
      reply.headers(SECURITY_HEADERS);
      let decoded: string;
      try {
        decoded = decodeURIComponent(relative);
      } catch {
        throw new AppError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
      }
      const segments = decoded.split('/');
      const file = join(DIST_DIR, ...segments);
      const safe = !segments.some((s) => s === '..' || s === '' || s.includes('\\') || s.includes('\0')) && file.startsWith(DIST_DIR + sep);
      const type = TYPES[extname(file)];
      if (!safe || !type || !isFile(file))
        throw new AppError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
      const coding = pickEncoding(request.headers['accept-encoding']);
      const compressed =
        coding && isFile(`${file}.${coding === 'br' ? 'br' : 'gz'}`) ? `${file}.${coding === 'br' ? 'br' : 'gz'}` : undefined;
      const sent = compressed ?? file;
      reply
        .header('cache-control', segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('vary', 'accept-encoding')
        .header('content-length', statSync(sent).size)
        .type(type);
      if (compressed) reply.header('content-encoding', coding);
      return reply.send(createReadStream(sent));
    };

    const toConsole = (_request: FastifyRequest, reply: FastifyReply) => reply.redirect(`${prefix}/console/`, 302);
    const hidden = { config: { auth: 'none' as const }, schema: { hide: true } };

    app.get('/', hidden, toConsole);
    // The server ignores trailing slashes: this is /console too (the page's <base href> makes that work).
    app.get('/console/', hidden, sendPage);
    app.get<{ Params: { '*': string } }>('/console/*', hidden, (request, reply) => {
      const rest = request.params['*'];
      const last = rest.split('/').pop() ?? '';
      // A file (assets/…, a name with an extension) is served or is a 404; any other path is the app's own route.
      if (rest === 'assets' || rest.startsWith('assets/') || last.includes('.')) return sendFile(request, reply, rest);
      return sendPage(request, reply);
    });
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
