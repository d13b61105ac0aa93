/**
 * Checks a workspace document before anything is written: its shape (WorkspaceSpec) and the
 * rules a schema cannot say (unique shortIds, references, one default start state…).
 * Every problem is reported with its path inside the document.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import safeRegex from 'safe-regex2';
import { parse as parseYaml } from 'yaml';
import { ajvErrorsToDetails } from '../../core/ajv-details.ts';
import { createValidator } from '../../core/http/validator.ts';
import { AppError, type ErrorDetail } from '../../core/errors.ts';
import { ENUM_TYPES, SCHEMA_TYPES, isKnownAttributeType } from '../attributes/attribute-types.ts';
import { WorkspaceSpec, type AttributeSpecT, type Workspace } from './schema.ts';
import { resolveSortOver } from '../processes/sort.ts';
import { graphUrlProblem } from '../../whatsapp/graph/graph-url.ts';

const validateShape = createValidator({ coerceTypes: false }).compile(WorkspaceSpec);
/** Compiles externalObject schemas to prove they are usable JSON Schemas. */
const schemaAjv = new Ajv2020({ strict: false });
addFormats.default(schemaAjv as any);

/**
 * Every regular expression of a team's JSON Schema (`pattern`, `patternProperties`), with its
 * path: the server matches values against them, so one with nested repetition (`(a+)+`) could
 * hold the event loop for every team on a crafted value. They are refused when applied.
 */
function* patternsIn(schema: unknown, path: string): Generator<[string, string]> {
  if (Array.isArray(schema)) {
    for (const [i, item] of schema.entries()) yield* patternsIn(item, `${path}[${i}]`);
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern' && typeof value === 'string') yield [`${path}.pattern`, value];
    else if (key === 'patternProperties' && value && typeof value === 'object') {
      for (const [pattern, sub] of Object.entries(value)) {
        yield [`${path}.patternProperties`, pattern];
        yield* patternsIn(sub, `${path}.patternProperties[${JSON.stringify(pattern)}]`);
      }
    } else if (key !== 'enum' && key !== 'const' && key !== 'examples' && key !== 'default') yield* patternsIn(value, `${path}.${key}`);
  }
}

export function workspaceError(details: ErrorDetail[]): AppError {
  const first = details[0];
  return new AppError(
    'WORKSPACE_INVALID',
    { path: first.path, reason: first.message },
    { details, messages: details.map((d) => `${d.path}: ${d.message}`) },
  );
}

/** Parses YAML (a superset of JSON) text into a document; syntax errors name line and column. */
export function parseWorkspaceText(text: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (err: any) {
    const pos = err.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : 'document';
    throw workspaceError([{ path: where, code: 'syntax', message: String(err.message).split('\n')[0] }]);
  }
}

export function validateWorkspace(doc: unknown): Workspace {
  if (!validateShape(doc)) {
    throw workspaceError(ajvErrorsToDetails(validateShape.errors ?? [], '', 'workspace'));
  }
  const ws = doc as Workspace;
  const problems: ErrorDetail[] = [];
  const add = (path: string, message: string) => problems.push({ path, code: 'invalid', message });

  const duplicates = <T>(items: T[] | undefined, key: (t: T) => string, path: string, what = 'shortId') => {
    const seen = new Set<string>();
    for (const item of items ?? []) {
      const k = key(item);
      if (seen.has(k)) add(path, `duplicate ${what} ${k}`);
      seen.add(k);
    }
  };
  const checkAttributes = (attrs: AttributeSpecT[] | undefined, path: string) => {
    duplicates(attrs, (a) => a.shortId, `${path}.attributes`);
    (attrs ?? []).forEach((a, i) => {
      checkAttribute(a, `${path}.attributes[${i}]`, add);
    });
  };

  duplicates(ws.teams, (t) => t.shortId, 'teams');
  const wabas = new Map<string, string>();
  const phoneIds = new Map<string, string>();
  ws.teams.forEach((team, ti) => {
    const tp = `teams[${ti}]`;
    const hmacSources = ['hmacSecret', 'hmacSecretEnv', 'hmacSecretFile'].filter((k) => team[k as keyof typeof team] !== undefined);
    if (hmacSources.length > 1) add(`${tp}.${hmacSources[1]}`, `give one of ${hmacSources.join(', ')}`);
    duplicates(team.roles, (r) => r.shortId, `${tp}.roles`);
    duplicates(team.pods, (p) => p.shortId, `${tp}.pods`);
    duplicates(team.users, (u) => u.username.toLowerCase(), `${tp}.users`, 'username');
    duplicates(team.entities, (e) => e.shortId, `${tp}.entities`);
    duplicates(team.procedures, (p) => p.shortId, `${tp}.procedures`);
    duplicates(team.whatsappPlugins, (p) => p.name, `${tp}.whatsappPlugins`, 'name');

    const podIds = new Set((team.pods ?? []).map((p) => p.shortId));
    (team.pods ?? []).forEach((pod, i) => {
      if (pod.parent !== undefined && !podIds.has(pod.parent)) add(`${tp}.pods[${i}].parent`, `unknown pod ${pod.parent}`);
      if (pod.parent === pod.shortId) add(`${tp}.pods[${i}].parent`, 'a pod cannot be its own parent');
    });
    (team.users ?? []).forEach((user, i) => {
      (user.pods ?? []).forEach((p, j) => {
        if (!podIds.has(p)) add(`${tp}.users[${i}].pods[${j}]`, `unknown pod ${p}`);
      });
    });
    // Role references are checked against the file and the database at apply time.

    const entities = new Map((team.entities ?? []).map((e) => [e.shortId, e]));
    (team.entities ?? []).forEach((entity, i) => {
      const ep = `${tp}.entities[${i}]`;
      checkAttributes(entity.attributes, ep);
      if (entity.primaryKey && !(entity.attributes ?? []).some((a) => a.shortId === entity.primaryKey)) {
        add(`${ep}.primaryKey`, `${entity.primaryKey} is not an attribute of entity ${entity.shortId}`);
      }
    });

    (team.procedures ?? []).forEach((proc, i) => {
      const pp = `${tp}.procedures[${i}]`;
      checkAttributes(proc.attributes, pp);
      const attrs = new Set((proc.attributes ?? []).map((a) => a.shortId));
      for (const field of ['primaryKey', 'primaryIdentifier'] as const) {
        const v = proc[field];
        if (v !== undefined && !attrs.has(v)) add(`${pp}.${field}`, `${v} is not an attribute of procedure ${proc.shortId}`);
      }
      const entity = proc.entity ? entities.get(proc.entity) : undefined;
      // The entity may already exist in the database; its existence is checked at apply time.
      if (proc.whatsappPhoneAttribute !== undefined) {
        const entityHas = entity ? (entity.attributes ?? []).some((a) => a.shortId === proc.whatsappPhoneAttribute) : false;
        if (!attrs.has(proc.whatsappPhoneAttribute) && !entityHas) {
          add(
            `${pp}.whatsappPhoneAttribute`,
            `${proc.whatsappPhoneAttribute} is not an attribute of procedure ${proc.shortId} or its entity`,
          );
        }
      }
      const sortable = new Map((proc.attributes ?? []).map((a) => [a.shortId, a]));
      (proc.sortIndexes ?? []).forEach((sort, j) => {
        try {
          resolveSortOver(sortable, proc.shortId, sort, `${pp}.sortIndexes[${j}]`, '');
        } catch (err) {
          for (const d of (err as AppError).details) add(d.path, d.message);
        }
      });
      duplicates(proc.states, (s) => s.shortId, `${pp}.states`);
      const starts = proc.states.filter((s) => s.default === 'start');
      const completes = proc.states.filter((s) => s.default === 'completed');
      if (starts.length !== 1) add(`${pp}.states`, `exactly one state must have default: start (found ${starts.length})`);
      if (completes.length > 1) add(`${pp}.states`, `at most one state may have default: completed (found ${completes.length})`);
      starts.concat(completes).forEach((s) => {
        const expected = s.default === 'start' ? 'OPEN' : 'COMPLETED';
        if (s.status !== expected)
          add(`${pp}.states[${proc.states.indexOf(s)}].status`, `the default ${s.default} state must have status ${expected}`);
      });
      const stateIds = new Set(proc.states.map((s) => s.shortId));
      duplicates(proc.stateTasks, (t) => t.shortId, `${pp}.stateTasks`);
      (proc.stateTasks ?? []).forEach((task, k) => {
        const sp = `${pp}.stateTasks[${k}]`;
        checkAttributes(task.attributes, sp);
        (task.states ?? []).forEach((s, j) => {
          if (!stateIds.has(s)) add(`${sp}.states[${j}]`, `unknown state ${s} (states: ${[...stateIds].join(', ')})`);
        });
      });
    });

    (team.whatsappPlugins ?? []).forEach((plugin, i) => {
      const pp = `${tp}.whatsappPlugins[${i}]`;
      const url = plugin.graphApiUrl ?? 'https://graph.facebook.com';
      const urlProblem = graphUrlProblem(url);
      if (urlProblem) add(`${pp}.graphApiUrl`, `${urlProblem}, got "${url}"`);
      for (const kind of ['accessToken', 'appSecret', 'verifyToken'] as const) {
        const sources = [kind, `${kind}Env`, `${kind}File`].filter((k) => plugin[k as keyof typeof plugin] !== undefined);
        if (sources.length > 1) add(`${pp}.${sources[1]}`, `give one of ${sources.join(', ')}`);
      }
      (plugin.businessAccounts ?? []).forEach((waba, j) => {
        const other = wabas.get(waba.wabaId);
        if (other) add(`${pp}.businessAccounts[${j}].wabaId`, `WABA ${waba.wabaId} is already declared at ${other}`);
        wabas.set(waba.wabaId, `${pp}.businessAccounts[${j}]`);
        (waba.phoneNumbers ?? []).forEach((pn, k) => {
          const here = `${pp}.businessAccounts[${j}].phoneNumbers[${k}]`;
          const seen = phoneIds.get(pn.whatsappPhoneNumberId);
          if (seen) add(`${here}.whatsappPhoneNumberId`, `phone number id ${pn.whatsappPhoneNumberId} is already declared at ${seen}`);
          phoneIds.set(pn.whatsappPhoneNumberId, here);
        });
      });
    });
  });

  if (problems.length) throw workspaceError(problems);
  return ws;
}

function checkAttribute(a: AttributeSpecT, path: string, add: (path: string, message: string) => void) {
  if (!isKnownAttributeType(a.type)) {
    add(`${path}.type`, `unknown type "${a.type}"`);
    return;
  }
  const enumType = Object.hasOwn(ENUM_TYPES, a.type) ? ENUM_TYPES[a.type] : undefined;
  if (enumType) {
    if (!a.options?.length) {
      add(`${path}.options`, `is required for type ${a.type}`);
      return;
    }
    const values = a.options.map((o) => (typeof o === 'object' ? o.value : o));
    values.forEach((v, i) => {
      const okType = enumType === 'string' ? typeof v === 'string' : enumType === 'integer' ? Number.isInteger(v) : typeof v === 'number';
      if (!okType)
        add(
          `${path}.options[${i}]`,
          `must be ${enumType === 'number' ? 'a number' : `a${enumType === 'integer' ? 'n' : ''} ${enumType}`} for type ${a.type}`,
        );
    });
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) add(`${path}.options`, 'has duplicate values');
  } else if (a.options !== undefined) {
    add(`${path}.options`, `only enum types take options, not ${a.type}`);
  }
  if (SCHEMA_TYPES.has(a.type)) {
    if (!a.schema) add(`${path}.schema`, `is required for type ${a.type}`);
    else {
      for (const [at, pattern] of patternsIn(a.schema, `${path}.schema`)) {
        if (!safeRegex(pattern)) add(at, 'may take exponential time to match (a repeated group that repeats): simplify it');
      }
      try {
        schemaAjv.compile(a.schema);
      } catch (err) {
        add(`${path}.schema`, `is not a valid JSON Schema: ${(err as Error).message}`);
      }
    }
  } else if (a.schema !== undefined) {
    add(`${path}.schema`, `only externalObject types take a schema, not ${a.type}`);
  }
}
