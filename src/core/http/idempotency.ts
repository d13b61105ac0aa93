/**
 * `Idempotency-Key` as a route option (`config.idempotent`): the same key from the same
 * caller on the same route with the same body within 24 h replays the stored response;
 * a different request under a used key is a 409. Responses of 5xx, 401 and 429 are not
 * stored, so a retry after them really runs again.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/types.ts';
import { AppError, invalid } from '../errors.ts';
import * as repo from './idempotency-repo.ts';
import { appendRouteHook } from './route-hooks.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim with no stored response after this long belongs to a request that died. */
const ABANDONED_AFTER_MS = 60_000;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Claim {
  owner: string;
  key: string;
}
const claims = new WeakMap<FastifyRequest, Claim>();

function ownerOf(request: FastifyRequest): string {
  const p = request.principal;
  return p && p.kind !== 'system' ? p.ownerId : 'admin-token';
}

/** A digest of the parsed body; multipart bodies (fields and file bytes) are hashed field by field. */
function bodyHash(request: FastifyRequest): string {
  const body = request.body;
  const hash = createHash('sha256');
  if (typeof body === 'string' || Buffer.isBuffer(body)) return hash.update(body).digest('hex');
  if (body && typeof body === 'object' && String(request.headers['content-type']).startsWith('multipart/')) {
    for (const key of Object.keys(body).sort()) {
      const value = (body as Record<string, unknown>)[key];
      hash
        .update(`${key}\0`)
        .update(Buffer.isBuffer(value) ? value : JSON.stringify(value))
        .update('\0');
    }
    return hash.digest('hex');
  }
  return hash.update(JSON.stringify(body ?? null)).digest('hex');
}

/** Adds the Idempotency-Key hooks to every route declared with `config.idempotent` (others pay nothing). */
export function installIdempotency(app: FastifyInstance, db: Db) {
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (!route.config?.idempotent || !methods.some((m) => MUTATING.has(m))) return;
    appendRouteHook(route, 'preHandler', claimOrReplay);
    appendRouteHook(route, 'onSend', storeResponse);
  });

  async function claimOrReplay(request: FastifyRequest, reply: FastifyReply) {
    if (!MUTATING.has(request.method)) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw invalid('header.idempotency-key', 'must be 1 to 255 characters');
    }
    const owner = ownerOf(request);
    const path = request.url;
    const hash = bodyHash(request);
    if (await repo.claimIdempotencyKey(db, owner, key, request.method, path, hash)) {
      claims.set(request, { owner, key });
      return;
    }
    const stored = await repo.findIdempotencyKey(db, owner, key);
    const stale = stored && (stored.age_ms > IDEMPOTENCY_TTL_MS || (stored.status_code === null && stored.age_ms > ABANDONED_AFTER_MS));
    if (!stored || stale) {
      if (await repo.reclaimIdempotencyKey(db, owner, key, request.method, path, hash)) {
        claims.set(request, { owner, key });
        return;
      }
      throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', { key });
    }
    if (stored.method !== request.method || stored.path !== path || stored.body_hash !== hash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', { key });
    }
    if (stored.status_code === null) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', { key });
    reply.header('idempotent-replayed', 'true');
    return reply
      .code(stored.status_code)
      .type(stored.response_type ?? 'application/json; charset=utf-8')
      .serializer((x: unknown) => x as string)
      .send(stored.response_body);
  }

  async function storeResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    const status = reply.statusCode;
    if (status >= 500 || status === 401 || status === 429 || typeof payload !== 'string') {
      await repo.releaseIdempotencyKey(db, claim.owner, claim.key);
    } else {
      await repo.completeIdempotencyKey(
        db,
        claim.owner,
        claim.key,
        status,
        payload,
        String(reply.getHeader('content-type') ?? 'application/json'),
      );
    }
    return payload;
  }
}
