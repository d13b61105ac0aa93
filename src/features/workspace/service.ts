/**
 * Applies a validated workspace in one transaction: creates what is missing, updates what
 * differs, leaves everything else (including objects the file does not mention) alone.
 * Reference problems found on the way are collected and the whole apply is refused.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../../core/db/types.ts';
import { AppError, type ErrorDetail } from '../../core/errors.ts';
import type { SecretBox } from '../../core/secrets.ts';
import type { AttributeSpecT, PluginSpecT, TeamSpecT, Workspace } from './schema.ts';
import * as repo from './repo.ts';
import { validateWorkspace, workspaceError } from './validate.ts';
import { ensureSortIndexes } from '../processes/sort-indexes.ts';

export interface ApplySummary {
  teams: { id: string; shortId: string }[];
  created: number;
  updated: number;
  unchanged: number;
  /** Paths of plugin secrets generated because the plugin uses the sandbox and none was given. */
  generatedSecrets: string[];
}

export interface ApplyOptions {
  secrets: SecretBox;
  env?: Record<string, string | undefined>;
  /** When set (a team admin's key), every team in the file must be this team. */
  onlyTeamId?: string;
}

/** The Graph URLs a team's own key may choose; others come from the operator (docs/workspace.md, "Who may set what"). */
const TEAM_GRAPH_URLS = new Set(['sandbox', 'https://graph.facebook.com']);

const RANK: Record<repo.Outcome, number> = { unchanged: 0, updated: 1, created: 2 };

class Applier {
  private outcomes = new Map<string, repo.Outcome>();
  private problems: ErrorDetail[] = [];
  readonly generatedSecrets: string[] = [];

  constructor(
    private tx: Queryable,
    private options: ApplyOptions,
  ) {}

  private get env() {
    return this.options.env ?? process.env;
  }

  problem(path: string, message: string) {
    this.problems.push({ path, code: 'invalid', message });
  }

  async upsert(path: string, spec: repo.UpsertSpec): Promise<string> {
    let result: repo.UpsertResult;
    try {
      result = await repo.upsertRow(this.tx, spec);
    } catch (err) {
      if (!(err instanceof repo.IdConflict)) throw err;
      this.problem(`${path}.id`, err.message);
      return err.existingId;
    }
    // Counted per object, not per path: a task type shared by two state tasks is one object.
    const key = `${spec.table}:${result.id}`;
    const before = this.outcomes.get(key);
    if (!before || RANK[result.outcome] > RANK[before]) this.outcomes.set(key, result.outcome);
    return result.id;
  }

  summary(teams: ApplySummary['teams']): ApplySummary {
    if (this.problems.length) throw workspaceError(this.problems);
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const o of this.outcomes.values()) counts[o]++;
    return { teams, ...counts, generatedSecrets: this.generatedSecrets };
  }

  /**
   * The value of a secret given by value, or named by an `*Env` or `*File` field, if it is set.
   * Naming the server's environment or files is for the operator only: a team's key could
   * otherwise read the server's own secrets through a plugin it controls.
   */
  readSecret(path: string, source: { value?: string; env?: string; file?: string }): string | undefined {
    if (source.value !== undefined) return source.value;
    const { env: envName, file } = source;
    if (this.options.onlyTeamId && (envName || file)) {
      throw new AppError('SECRET_REFERENCE_FORBIDDEN', { path: envName ? path.replace(/File$/, 'Env') : path });
    }
    if (envName) return this.env[envName] || undefined;
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim() || undefined;
      } catch (err) {
        this.problem(path, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    return undefined;
  }

  /** Keeps the stored ciphertext when the plaintext did not change (ciphertexts are randomised). */
  seal(plain: string | undefined, stored: string | null | undefined): string | null {
    if (plain === undefined) return stored ?? null;
    if (stored) {
      try {
        if (this.options.secrets.decrypt(stored) === plain) return stored;
      } catch {
        // stored under another key: replace it
      }
    }
    return this.options.secrets.encrypt(plain);
  }

  async team(spec: TeamSpecT, tp: string): Promise<{ id: string; shortId: string }> {
    const existing = await repo.findRow(this.tx, 'teams', spec.id ? [['id', spec.id]] : [['short_id', spec.shortId]]);
    if (this.options.onlyTeamId && (existing?.id ?? spec.id) !== this.options.onlyTeamId) {
      const own = await repo.findRow(this.tx, 'teams', [['id', this.options.onlyTeamId]]);
      throw new AppError('TEAM_FORBIDDEN', { path: tp, team: own?.short_id ?? this.options.onlyTeamId });
    }
    const hmac = this.readSecret(`${tp}.hmacSecretFile`, { value: spec.hmacSecret, env: spec.hmacSecretEnv, file: spec.hmacSecretFile });
    const teamId = await this.upsert(tp, {
      table: 'teams',
      id: spec.id,
      naturalKey: [['short_id', spec.shortId]],
      values: {
        short_id: spec.shortId,
        name: spec.name,
        timezone: spec.timezone ?? existing?.timezone ?? '+0000',
        hmac_secret_enc: this.seal(hmac, existing?.hmac_secret_enc),
      },
    });

    const roleIds = await repo.listRoleIds(this.tx, teamId);
    for (const [i, role] of (spec.roles ?? []).entries()) {
      const id = await this.upsert(`${tp}.roles[${i}]`, {
        table: 'roles',
        id: role.id,
        naturalKey: [
          ['team_id', teamId],
          ['short_id', role.shortId],
        ],
        values: { team_id: teamId, short_id: role.shortId, name: role.name, privileges: role.privileges },
      });
      roleIds.set(role.shortId, id);
    }

    const podIds = new Map<string, string>();
    const pods = spec.pods ?? [];
    // Twice: first so that every pod exists, then with parents resolved.
    for (const pass of [1, 2]) {
      for (const [i, pod] of pods.entries()) {
        const values: Record<string, unknown> = { team_id: teamId, short_id: pod.shortId, name: pod.name };
        if (pass === 2) values.parent_id = pod.parent ? podIds.get(pod.parent) : null;
        podIds.set(
          pod.shortId,
          await this.upsert(`${tp}.pods[${i}]`, {
            table: 'pods',
            id: pod.id,
            naturalKey: [
              ['team_id', teamId],
              ['short_id', pod.shortId],
            ],
            values,
          }),
        );
      }
    }

    const entityIds = new Map<string, string>();
    for (const [i, entity] of (spec.entities ?? []).entries()) {
      const ep = `${tp}.entities[${i}]`;
      const id = await this.upsert(ep, {
        table: 'entities',
        id: entity.id,
        naturalKey: [
          ['team_id', teamId],
          ['short_id', entity.shortId],
        ],
        values: { team_id: teamId, short_id: entity.shortId, name: entity.name, primary_key: entity.primaryKey ?? null },
      });
      entityIds.set(entity.shortId, id);
      await this.attributes(teamId, 'entity', id, entity.attributes, ep);
    }

    for (const [i, proc] of (spec.procedures ?? []).entries()) {
      await this.procedure(teamId, proc, `${tp}.procedures[${i}]`, entityIds);
    }

    for (const [i, user] of (spec.users ?? []).entries()) {
      const up = `${tp}.users[${i}]`;
      let roleId: string | null = null;
      if (user.role) {
        roleId = roleIds.get(user.role) ?? null;
        if (!roleId) this.problem(`${up}.role`, `unknown role ${user.role}`);
      }
      await this.upsert(up, {
        table: 'users',
        id: user.id,
        naturalKey: [
          ['team_id', teamId],
          ['lower(username)', user.username.toLowerCase()],
        ],
        values: {
          team_id: teamId,
          username: user.username,
          first_name: user.firstName ?? null,
          middle_name: user.middleName ?? null,
          last_name: user.lastName ?? null,
          display_name: user.displayName ?? ([user.firstName, user.lastName].filter(Boolean).join(' ') || null),
          email: user.email ?? (user.username.includes('@') ? user.username : null),
          phone: user.phone ?? null,
          timezone: user.timezone ?? spec.timezone ?? null,
          role_id: roleId,
          pod_ids: (user.pods ?? []).map((p) => podIds.get(p)!),
          is_active: user.isActive ?? true,
          data: user.data ?? null,
        },
        json: ['data'],
      });
    }

    for (const [i, plugin] of (spec.whatsappPlugins ?? []).entries()) {
      await this.plugin(teamId, plugin, `${tp}.whatsappPlugins[${i}]`);
    }
    return { id: teamId, shortId: spec.shortId };
  }

  async attributes(
    teamId: string,
    ownerKind: 'entity' | 'procedure' | 'state_task',
    ownerId: string,
    attrs: AttributeSpecT[] | undefined,
    path: string,
  ) {
    for (const [i, a] of (attrs ?? []).entries()) {
      await this.upsert(`${path}.attributes[${i}]`, {
        table: 'attributes',
        id: a.id,
        naturalKey: [
          ['owner_id', ownerId],
          ['short_id', a.shortId],
        ],
        values: {
          team_id: teamId,
          owner_kind: ownerKind,
          owner_id: ownerId,
          short_id: a.shortId,
          name: a.name,
          type: a.type,
          options: a.options
            ? a.options.map((o) =>
                typeof o === 'object' ? { value: o.value, label: o.label ?? String(o.value) } : { value: o, label: String(o) },
              )
            : null,
          json_schema: a.schema ?? null,
          is_required: a.required ?? false,
          is_indexed: a.indexed ?? false,
          position: i,
        },
        json: ['options', 'json_schema'],
      });
    }
  }

  async procedure(teamId: string, proc: NonNullable<TeamSpecT['procedures']>[number], pp: string, entityIds: Map<string, string>) {
    let entityId: string | null = null;
    if (proc.entity) {
      entityId =
        entityIds.get(proc.entity) ??
        (
          await repo.findRow(this.tx, 'entities', [
            ['team_id', teamId],
            ['short_id', proc.entity],
          ])
        )?.id ??
        null;
      if (!entityId) this.problem(`${pp}.entity`, `unknown entity ${proc.entity}`);
    }
    const procedureId = await this.upsert(pp, {
      table: 'procedures',
      id: proc.id,
      naturalKey: [
        ['team_id', teamId],
        ['short_id', proc.shortId],
      ],
      values: {
        team_id: teamId,
        short_id: proc.shortId,
        name: proc.name,
        entity_id: entityId,
        primary_key: proc.primaryKey ?? null,
        primary_identifier: proc.primaryIdentifier ?? null,
        whatsapp_phone_attribute: proc.whatsappPhoneAttribute ?? null,
        sort_indexes: proc.sortIndexes ?? null,
      },
      json: ['sort_indexes'],
    });
    await this.attributes(teamId, 'procedure', procedureId, proc.attributes, pp);

    const stateIds = new Map<string, string>();
    for (const [i, state] of proc.states.entries()) {
      stateIds.set(
        state.shortId,
        await this.upsert(`${pp}.states[${i}]`, {
          table: 'states',
          id: state.id,
          naturalKey: [
            ['procedure_id', procedureId],
            ['short_id', state.shortId],
          ],
          values: {
            team_id: teamId,
            procedure_id: procedureId,
            short_id: state.shortId,
            name: state.name,
            status: state.status,
            position: i,
            is_default_start: state.default === 'start',
            is_default_completed: state.default === 'completed',
            color: state.color ?? null,
          },
        }),
      );
    }
    // States the file no longer lists stay, but cannot remain a default beside the file's own.
    await repo.clearDefaultStatesExcept(
      this.tx,
      procedureId,
      proc.states.map((s) => s.shortId),
    );

    for (const [i, task] of (proc.stateTasks ?? []).entries()) {
      const sp = `${pp}.stateTasks[${i}]`;
      const taskTypeShortId = task.taskType ?? task.shortId;
      const taskTypeId = await this.upsert(`${sp}.taskType`, {
        table: 'task_types',
        naturalKey: [
          ['team_id', teamId],
          ['short_id', taskTypeShortId],
        ],
        values: {
          team_id: teamId,
          short_id: taskTypeShortId,
          name: taskTypeShortId.charAt(0).toUpperCase() + taskTypeShortId.slice(1).replace(/_/g, ' '),
        },
      });
      const stateTaskId = await this.upsert(sp, {
        table: 'state_tasks',
        id: task.id,
        naturalKey: [
          ['procedure_id', procedureId],
          ['short_id', task.shortId],
        ],
        values: {
          team_id: teamId,
          procedure_id: procedureId,
          short_id: task.shortId,
          name: task.name,
          task_type_id: taskTypeId,
          state_ids: (task.states ?? []).map((s) => stateIds.get(s)!),
        },
      });
      await this.attributes(teamId, 'state_task', stateTaskId, task.attributes, sp);
    }
  }

  async plugin(teamId: string, plugin: PluginSpecT, pp: string) {
    const graphApiUrl = plugin.graphApiUrl ?? 'https://graph.facebook.com';
    const existing = await repo.findRow(
      this.tx,
      'whatsapp_plugins',
      plugin.id
        ? [['id', plugin.id]]
        : [
            ['team_id', teamId],
            ['name', plugin.name],
          ],
    );
    // Any other Graph URL makes this server call that host and hand its answers back through the
    // pass-throughs: an operator's choice (a test double, a proxy), never a team key's.
    if (this.options.onlyTeamId && !TEAM_GRAPH_URLS.has(graphApiUrl) && existing?.graph_api_url !== graphApiUrl) {
      throw new AppError('GRAPH_URL_FORBIDDEN', { path: `${pp}.graphApiUrl` });
    }
    if (existing && existing.team_id !== teamId) {
      this.problem(`${pp}.id`, `plugin ${plugin.id} belongs to another team`);
      return;
    }
    const sealed: Record<string, string | null> = {};
    for (const kind of ['accessToken', 'appSecret', 'verifyToken'] as const) {
      const column = `${kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_enc`;
      const envName = plugin[`${kind}Env`];
      let plain = this.readSecret(`${pp}.${kind}File`, { value: plugin[kind], env: envName, file: plugin[`${kind}File`] });
      if (plain === undefined && !existing?.[column]) {
        if (graphApiUrl === 'sandbox') {
          plain = randomBytes(24).toString('hex');
          this.generatedSecrets.push(`${pp}.${kind}`);
        } else if (envName) {
          this.problem(
            `${pp}.${kind}Env`,
            `environment variable ${envName} is not set (required for a plugin that points at ${graphApiUrl})`,
          );
        } else {
          this.problem(`${pp}.${kind}Env`, `is required for a plugin that points at ${graphApiUrl}`);
        }
      }
      sealed[column] = this.seal(plain, existing?.[column]);
    }
    const pluginId = await this.upsert(pp, {
      table: 'whatsapp_plugins',
      id: existing?.id ?? plugin.id,
      naturalKey: [
        ['team_id', teamId],
        ['name', plugin.name],
      ],
      values: {
        team_id: teamId,
        name: plugin.name,
        graph_api_url: graphApiUrl,
        messages_per_second: plugin.messagesPerSecond ?? 80,
        ...sealed,
      },
    });
    for (const [j, waba] of (plugin.businessAccounts ?? []).entries()) {
      const wp = `${pp}.businessAccounts[${j}]`;
      const owner = await repo.findRow(this.tx, 'whatsapp_business_accounts', [['waba_id', waba.wabaId]]);
      if (owner && owner.team_id !== teamId) {
        this.problem(`${wp}.wabaId`, `WABA ${waba.wabaId} belongs to another team`);
        continue;
      }
      await this.upsert(wp, {
        table: 'whatsapp_business_accounts',
        id: waba.wabaId,
        naturalKey: [['waba_id', waba.wabaId]],
        values: { waba_id: waba.wabaId, team_id: teamId, plugin_id: pluginId },
      });
      for (const [k, pn] of (waba.phoneNumbers ?? []).entries()) {
        const np = `${wp}.phoneNumbers[${k}]`;
        const ownerPn = await repo.findRow(this.tx, 'whatsapp_phone_numbers', [['phone_number_id', pn.whatsappPhoneNumberId]]);
        if (ownerPn && ownerPn.team_id !== teamId) {
          this.problem(`${np}.whatsappPhoneNumberId`, `phone number id ${pn.whatsappPhoneNumberId} belongs to another team`);
          continue;
        }
        await this.upsert(np, {
          table: 'whatsapp_phone_numbers',
          id: pn.whatsappPhoneNumberId,
          naturalKey: [['phone_number_id', pn.whatsappPhoneNumberId]],
          values: {
            phone_number_id: pn.whatsappPhoneNumberId,
            team_id: teamId,
            plugin_id: pluginId,
            waba_id: waba.wabaId,
            display_phone_number: pn.displayPhoneNumber,
          },
        });
      }
    }
  }
}

/** Applies a validated workspace inside the given transaction and says what changed. */
export async function applyWorkspace(tx: Queryable, ws: Workspace, options: ApplyOptions): Promise<ApplySummary> {
  const applier = new Applier(tx, options);
  const teams = [];
  for (const [i, team] of ws.teams.entries()) teams.push(await applier.team(team, `teams[${i}]`));
  return applier.summary(teams);
}

/** Validates a parsed document and applies it in one transaction; nothing is written if it is refused. */
export async function applyWorkspaceDocument(db: Db, doc: unknown, options: ApplyOptions): Promise<ApplySummary> {
  const ws = validateWorkspace(doc);
  const summary = await db.tx((tx) => applyWorkspace(tx, ws, options));
  await ensureSortIndexes(db);
  return summary;
}
