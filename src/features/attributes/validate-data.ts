/**
 * Validates a `data` object (process, record or task attributes) against the owner's
 * attributes: unknown keys, types, required ones on create. Collects every problem, each
 * naming `<path>.<shortId>`, and returns the values to store. `null` means "clear".
 */
import type { Queryable } from '../../core/db/types.ts';
import { AppError, MAX_LISTED_PROBLEMS, type ErrorDetail } from '../../core/errors.ts';
import type { AttributeDef } from '../config/model.ts';
import { checkValue } from './check-value.ts';
import { isUuid } from '../../core/uuid.ts';
import { existingPhotoIds } from '../photos/repo.ts';

export interface DataCheck {
  values: Record<string, unknown>;
  problems: ErrorDetail[];
  /** Attribute keys whose value is a user reference (username or id) still to resolve. */
  userRefs: { key: string; ref: string }[];
  /** Photo ids that must be photos of the caller's team. */
  photoRefs: { key: string; id: string }[];
}

export function checkData(attributes: Map<string, AttributeDef>, data: unknown, path: string, options: { creating: boolean }): DataCheck {
  const out: DataCheck = { values: {}, problems: [], userRefs: [], photoRefs: [] };
  const add = (p: string, message: string) => out.problems.push({ path: p, code: 'invalid', message });
  if (data === undefined || data === null) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    add(path, 'must be an object of attribute values');
    return out;
  }
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (out.problems.length >= MAX_LISTED_PROBLEMS) break; // enough to fix the request; no more work
    const attr = attributes.get(key);
    const p = `${path}.${key}`;
    if (!attr) {
      add(p, `is not an attribute (known: ${[...attributes.keys()].join(', ') || 'none'})`);
      continue;
    }
    if (value === null) {
      if (options.creating && attr.isRequired) add(p, 'is required');
      else out.values[key] = null;
      continue;
    }
    const checked = checkValue(attr, value);
    if (!checked.ok) {
      add(p, checked.message);
      continue;
    }
    out.values[key] = checked.value;
    if (attr.type === 'user') out.userRefs.push({ key, ref: checked.value as string });
    if (attr.type === 'photo') out.photoRefs.push({ key, id: checked.value as string });
    if (attr.type === 'multiPhotos') for (const id of checked.value as string[]) out.photoRefs.push({ key, id });
  }
  if (options.creating) {
    for (const attr of attributes.values()) {
      if (attr.isRequired && !(attr.shortId in (data as object))) add(`${path}.${attr.shortId}`, 'is required');
    }
  }
  return out;
}

/** Resolves usernames or user ids of one team to user ids, in one query. */
export async function resolveUsers(db: Queryable, teamId: string, refs: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(refs)];
  if (unique.length === 0) return new Map();
  const ids = unique.filter(isUuid).map((r) => r.toLowerCase());
  const names = unique.map((r) => r.toLowerCase());
  const rows = await db.query<{ id: string; username: string }>(
    `select id, username from users
      where team_id = $1 and not is_deleted and (id = any($2::uuid[]) or lower(username) = any($3::text[]))`,
    [teamId, ids, names],
  );
  const found = new Map<string, string>();
  for (const ref of unique) {
    const row = rows.find((r) => r.id === ref.toLowerCase() || r.username.toLowerCase() === ref.toLowerCase());
    if (row) found.set(ref, row.id);
  }
  return found;
}

/** What `checkData` left to the database: user references and photo ids, found in two queries at most. */
export interface References {
  users: Map<string, string>;
  photos: Set<string>;
}

type Checked = { path: string; check: DataCheck }[];

/** The user references and photo ids some checked data (and an assignee) mention. */
export function referencesOf(checks: Checked, assignedTo?: string | null): { userRefs: string[]; photoIds: string[] } {
  const userRefs = checks.flatMap((c) => c.check.userRefs.map((u) => u.ref));
  if (assignedTo) userRefs.push(assignedTo);
  return { userRefs, photoIds: checks.flatMap((c) => c.check.photoRefs.map((p) => p.id)) };
}

export async function loadReferences(db: Queryable, teamId: string, refs: { userRefs: string[]; photoIds: string[] }): Promise<References> {
  const users = await resolveUsers(db, teamId, refs.userRefs);
  const photos = refs.photoIds.length ? await existingPhotoIds(db, teamId, refs.photoIds) : new Set<string>();
  return { users, photos };
}

/**
 * Puts user ids in place of user references and checks photo ids against what was loaded.
 * Returns the assignee's id (undefined when not given, null when cleared); throws a 400
 * naming every unknown reference.
 */
export function applyReferences(found: References, checks: Checked, assignedTo?: string | null): string | null | undefined {
  const problems: ErrorDetail[] = [];
  for (const { path, check } of checks) {
    for (const { key, ref } of check.userRefs) {
      const id = found.users.get(ref);
      if (id) check.values[key] = id;
      else problems.push({ path: `${path}.${key}`, code: 'invalid', message: `unknown user ${ref}` });
    }
    for (const { key, id } of check.photoRefs) {
      if (!found.photos.has(id)) problems.push({ path: `${path}.${key}`, code: 'invalid', message: `unknown photo ${id}` });
    }
  }
  let assignee: string | null | undefined = assignedTo === undefined ? undefined : null;
  if (assignedTo) {
    assignee = found.users.get(assignedTo);
    if (!assignee) problems.push({ path: 'assignedTo', code: 'invalid', message: `unknown user ${assignedTo}` });
  }
  if (problems.length) throw dataError(problems);
  return assignee;
}

/** `loadReferences` then `applyReferences`, for one request. */
export async function resolveDataReferences(db: Queryable, teamId: string, checks: Checked, assignedTo?: string | null) {
  return applyReferences(await loadReferences(db, teamId, referencesOf(checks, assignedTo)), checks, assignedTo);
}

export function dataError(problems: ErrorDetail[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    { path: problems[0].path, reason: problems[0].message },
    { details: problems, messages: problems.map((d) => `${d.path}: ${d.message}`) },
  );
}
