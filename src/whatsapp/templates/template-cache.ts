/**
 * Each WABA's templates, kept in the database (shared by every instance) and refreshed from
 * Meta when a send names a template the cached list does not have.
 */
import { GRAPH_VERSION } from '../graph/graph-client.ts';
import type { Db, Queryable } from '../../core/db/types.ts';
import { storableJson } from '../../core/storable-text.ts';
import { AppError, invalid } from '../../core/errors.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { TemplateDef } from './build-template-message.ts';

/** The Graph version this server uses for its own calls (pass-throughs use the caller's). */
const FIELDS = 'id,name,language,status,category,parameter_format,components';
const MAX_PAGES = 40;

async function cached(db: Queryable, teamId: string, wabaId: string, name: string): Promise<TemplateDef[]> {
  return db.query<TemplateDef>(
    `select template_id as id, name, language, status, category, parameter_format, components
       from whatsapp_templates where waba_id = $1 and team_id = $2 and name = $3 order by language`,
    [wabaId, teamId, name],
  );
}

const isTemplate = (t: unknown): t is TemplateDef => {
  const x = t as Record<string, unknown> | null;
  return (
    !!x &&
    ['id', 'name', 'language', 'status', 'category'].every((k) => typeof x[k] === 'string' && x[k] !== '') &&
    (x.components === undefined || Array.isArray(x.components))
  );
};

/** Replaces the cached list of a WABA with Meta's (every page). */
export async function refreshTemplates(db: Db, graph: GraphClient, teamId: string, wabaId: string): Promise<void> {
  const all: TemplateDef[] = [];
  let query = `fields=${FIELDS}&limit=250`;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await graph.call('GET', `${GRAPH_VERSION}/${wabaId}/message_templates`, { query });
    if (answer.status !== 200) {
      const error = (answer.body as { error?: { message?: string } })?.error;
      throw new AppError('UPSTREAM_UNAVAILABLE', {
        reason: `listing the templates of ${wabaId} failed: ${error?.message ?? `status ${answer.status}`}`,
      });
    }
    const body = answer.body as { data?: unknown; paging?: { next?: string; cursors?: { after?: string } } };
    // Only well-formed templates are kept; anything else Meta lists cannot be sent anyway. Text
    // PostgreSQL cannot store (`\u0000`, a lone surrogate) is replaced, so that one odd template
    // does not make the whole list unstorable.
    if (Array.isArray(body.data)) all.push(...storableJson(body.data).filter(isTemplate));
    const after = body.paging?.cursors?.after;
    if (!body.paging?.next || !after) break;
    query = `fields=${FIELDS}&limit=250&after=${encodeURIComponent(after)}`;
  }
  await db.tx(async (tx) => {
    await tx.run('delete from whatsapp_templates where waba_id = $1 and team_id = $2', [wabaId, teamId]);
    if (!all.length) return;
    await tx.run(
      `insert into whatsapp_templates (waba_id, template_id, team_id, name, language, status, category, parameter_format, components)
       select $1, t.id, $2, t.name, t.language, t.status, t.category, t.parameter_format, coalesce(t.components, '[]')
         from jsonb_to_recordset($3::jsonb) as t(id text, name text, language text, status text, category text, parameter_format text, components jsonb)
       on conflict (waba_id, template_id) do nothing`,
      [wabaId, teamId, JSON.stringify(all)],
    );
  });
}

/**
 * The template a send names: by name, and by `language` when the name exists in several.
 * A name the cache does not know triggers one refresh from Meta.
 */
export async function resolveTemplate(
  db: Db,
  graph: GraphClient,
  teamId: string,
  wabaId: string,
  name: string,
  language?: string,
): Promise<TemplateDef> {
  let found = await cached(db, teamId, wabaId, name);
  if (!found.some((t) => !language || t.language === language)) {
    await refreshTemplates(db, graph, teamId, wabaId);
    found = await cached(db, teamId, wabaId, name);
  }
  if (!found.length) throw invalid('templateName', `WhatsApp Business Account ${wabaId} has no template ${name}`);
  if (language) {
    const match = found.find((t) => t.language === language);
    if (!match) throw invalid('language', `template ${name} exists in ${found.map((t) => t.language).join(', ')}, not ${language}`);
    return match;
  }
  if (found.length > 1) throw invalid('language', `is required: template ${name} exists in ${found.map((t) => t.language).join(', ')}`);
  return found[0];
}

/**
 * The team's WABA that has this template id, from the cache; on a miss every WABA of the team is
 * refreshed once. Undefined when none of the team's WABAs has it.
 */
export async function wabaOfTemplate(
  db: Db,
  teamId: string,
  templateId: string,
  refresh: () => Promise<void>,
): Promise<string | undefined> {
  const lookup = async () =>
    (
      await db.query<{ waba_id: string }>(
        `select t.waba_id from whatsapp_templates t join whatsapp_business_accounts w on w.waba_id = t.waba_id and w.team_id = $2
          where t.template_id = $1 and t.team_id = $2`,
        [templateId, teamId],
      )
    )[0]?.waba_id;
  const found = await lookup();
  if (found) return found;
  await refresh();
  return lookup();
}

/**
 * Meta's `message_template_status_update`: the cached template takes its new status at once
 * (APPROVED, PAUSED, REJECTED, DISABLED…), so a send checks against it without asking Meta.
 */
export async function setTemplateStatus(q: Queryable, teamId: string, wabaId: string, templateId: string, status: string): Promise<void> {
  await q.run('update whatsapp_templates set status = $4, refreshed_at = now() where team_id = $1 and waba_id = $2 and template_id = $3', [
    teamId,
    wabaId,
    templateId,
    status,
  ]);
}
