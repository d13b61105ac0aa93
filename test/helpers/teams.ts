/** A second team beside the demo one, for tenancy and fairness tests. */
import { createApiKey } from '../../src/features/api-keys/service.ts';
import { applyWorkspaceDocument } from '../../src/features/workspace/service.ts';
import type { TestServer } from './server.ts';

/**
 * Applies a team `shortId` with an admin role and a `lead` procedure (primary key `lead_id`,
 * one state NEW) — the same procedure shortId as the demo team's — and returns an admin key.
 */
export async function addTeamWithLeads(s: TestServer, shortId: string): Promise<string> {
  await applyWorkspaceDocument(
    s.ctx.db,
    {
      version: 1,
      teams: [
        {
          shortId,
          name: shortId,
          roles: [{ shortId: 'admin', name: 'Admin', privileges: ['admin'] }],
          procedures: [
            {
              shortId: 'lead',
              name: 'Lead',
              primaryKey: 'lead_id',
              attributes: [{ shortId: 'lead_id', name: 'Lead id', type: 'stringId' }],
              states: [{ shortId: 'NEW', name: 'New', status: 'OPEN', default: 'start' }],
            },
          ],
        },
      ],
    },
    { secrets: s.ctx.secrets },
  );
  s.ctx.configCache.invalidate();
  const [team] = await s.ctx.db.query('select id from teams where short_id = $1', [shortId]);
  return (await createApiKey(s.ctx.db, team.id, { name: shortId, role: 'admin' })).key;
}
