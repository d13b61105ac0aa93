import type { Queryable } from '../db/types.ts';

export interface StoredIdempotency {
  method: string;
  path: string;
  body_hash: string;
  status_code: number | null;
  response_body: string | null;
  response_type: string | null;
  age_ms: number;
}

/** Claims (owner, key) for a new request; false when a row already exists. */
export async function claimIdempotencyKey(db: Queryable, owner: string, key: string, method: string, path: string, bodyHash: string) {
  const n = await db.run(
    `insert into idempotency_keys (owner, key, method, path, body_hash) values ($1, $2, $3, $4, $5)
     on conflict (owner, key) do nothing`,
    [owner, key, method, path, bodyHash],
  );
  return n === 1;
}

export async function findIdempotencyKey(db: Queryable, owner: string, key: string): Promise<StoredIdempotency | undefined> {
  const rows = await db.query<StoredIdempotency>(
    `select method, path, body_hash, status_code, response_body, response_type,
            (extract(epoch from now() - created_at) * 1000)::float8 as age_ms
       from idempotency_keys where owner = $1 and key = $2`,
    [owner, key],
  );
  return rows[0];
}

/** Replaces a stale claim (expired, or abandoned by a crashed request) with a fresh one. */
export async function reclaimIdempotencyKey(db: Queryable, owner: string, key: string, method: string, path: string, bodyHash: string) {
  const n = await db.run(
    `update idempotency_keys set method = $3, path = $4, body_hash = $5, status_code = null,
            response_body = null, response_type = null, created_at = now()
      where owner = $1 and key = $2`,
    [owner, key, method, path, bodyHash],
  );
  return n === 1;
}

export async function completeIdempotencyKey(db: Queryable, owner: string, key: string, status: number, body: string, type: string) {
  await db.run('update idempotency_keys set status_code = $3, response_body = $4, response_type = $5 where owner = $1 and key = $2', [
    owner,
    key,
    status,
    body,
    type,
  ]);
}

export async function releaseIdempotencyKey(db: Queryable, owner: string, key: string) {
  await db.run('delete from idempotency_keys where owner = $1 and key = $2', [owner, key]);
}

/**
 * Deletes keys created more than `olderThanMs` ago; returns how many. A key past the TTL is never
 * replayed (its next use reclaims it), so deleting it changes nothing a caller sees; the row only
 * holds a whole response body. `batch` rows per statement, each committed on its own, so a
 * backlog never becomes one long transaction holding its locks; a row reclaimed meanwhile (new
 * `created_at`) fails the outer condition when re-checked and stays.
 */
export async function purgeIdempotencyKeys(db: Queryable, olderThanMs: number, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.run(
      `delete from idempotency_keys
        where ctid = any(array(select ctid from idempotency_keys
                                where created_at < now() - ($1::float8 * interval '1 millisecond') limit $2))
          and created_at < now() - ($1::float8 * interval '1 millisecond')`,
      [olderThanMs, batch],
    );
    total += n;
    if (n < batch) return total;
  }
}
