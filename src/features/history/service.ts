/** Reading a process's history, and naming who submitted a bulk job (its rows' actor). */
import type { Actor } from '../../core/auth/principal.ts';
import { SYSTEM_ACTOR } from '../../core/auth/principal.ts';
import { displayNameOf } from '../../core/auth/session-store.ts';
import type { Queryable } from '../../core/db/types.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import { findApiKeysByIdOrPrefix } from '../api-keys/repo.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { findProcessIdWithDeleted } from '../processes/repo.ts';
import { resolveProcess } from '../processes/service.ts';
import { findUser } from '../users/repo.ts';
import * as repo from './repo.ts';
import { DEFAULT_HISTORY_PAGE } from './schemas.ts';

export interface HistoryPage {
  limit?: number;
  cursor?: string;
}

// Opaque to clients: the last entry's id, so pages follow by keyset however deep.
const encodeCursor = (id: string) => Buffer.from(`h${id}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^h\d{1,18}$/.test(text)) throw invalid('cursor', 'is not a cursor this endpoint issued (use _meta.nextCursor as it is)');
  return text.slice(1);
}

/**
 * The process a history request names. A uuid also finds a deleted process, whose history
 * stays readable (who deleted it, and what it was); a primary-key value names the live process
 * holding it, since a deleted one gave its value up.
 */
async function processIdOf(db: Queryable, config: TeamConfig, procedure: ProcedureDef, idOrPk: string): Promise<string> {
  if (isUuid(idOrPk)) {
    const id = await findProcessIdWithDeleted(db, config.team.id, procedure.id, idOrPk.toLowerCase());
    if (id) return id;
  }
  if (!procedure.primaryKey) throw notFound(`${procedure.shortId} process`, idOrPk);
  return (await resolveProcess(db, config, procedure, idOrPk)).id;
}

/** One page of a process's history, newest first. */
export async function getHistory(db: Queryable, config: TeamConfig, procedure: ProcedureDef, idOrPk: string, page: HistoryPage) {
  const limit = page.limit ?? DEFAULT_HISTORY_PAGE;
  const before = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const processId = await processIdOf(db, config, procedure, idOrPk);
  const rows = await repo.listHistory(db, config.team.id, processId, { before, limit: limit + 1 });
  const hasMore = rows.length > limit;
  const shown = rows.slice(0, limit);
  return {
    page: shown.map((r) => ({
      id: r.id,
      kind: r.kind,
      at: r.created_at.toISOString(),
      actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
      changes: r.changes,
    })),
    meta: { hasMore, nextCursor: hasMore ? encodeCursor(shown.at(-1)!.id) : null },
  };
}

/**
 * The actor behind a job's `submitted_by` (a key id, or `user:<id>`): the key by its name, the
 * user as their own changes name them (displayNameOf). The name is read when the job runs; one
 * that is gone is still named by its id, so history never loses who it was.
 */
export async function actorOfOwner(db: Queryable, teamId: string, ownerId: string | null): Promise<Actor> {
  if (!ownerId) return SYSTEM_ACTOR;
  if (ownerId.startsWith('user:')) {
    const id = ownerId.slice(5);
    const user = isUuid(id) ? await findUser(db, teamId, id) : undefined;
    return { type: 'user', id, name: user ? displayNameOf(user) : id };
  }
  const [key] = isUuid(ownerId) ? await findApiKeysByIdOrPrefix(db, teamId, ownerId) : [];
  return { type: 'key', id: ownerId, name: key?.name ?? ownerId };
}
