/** Users as ChakraHQ shows them: the v1 object and the humanised v2 one (docs/api.md#users). */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../core/db/types.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { epochMs } from '../attributes/check-value.ts';
import { isUuid } from '../../core/uuid.ts';
import * as repo from './repo.ts';

/** A stable uuid for the user's email or phone contact object (we keep one of each, on the user). */
function contactId(userId: string, kind: string): string {
  const h = createHash('sha256').update(`${userId}:${kind}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function contact(row: repo.UserRow, kind: 'email' | 'phone') {
  const value = row[kind];
  if (!value) return null;
  const base = { id: contactId(row.id, kind), createdAt: row.created_at.getTime(), updatedAt: row.updated_at.getTime() };
  return kind === 'email'
    ? { ...base, email: value, normalizedEmail: value.toLowerCase(), type: 'PRIMARY', isVerified: false, user: row.id }
    : { ...base, phone: value, type: 'PRIMARY', isVerified: false, user: row.id };
}

export function v1User(row: repo.UserRow) {
  return {
    id: row.id,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    username: row.username,
    firstName: row.first_name,
    middleName: row.middle_name,
    lastName: row.last_name,
    displayName: row.display_name ?? ([row.first_name, row.last_name].filter(Boolean).join(' ') || null),
    gender: row.gender,
    dob: row.dob,
    bio: row.bio,
    profileImageUrl: row.profile_image_url,
    coverImageUrl: row.cover_image_url,
    timezone: row.timezone ?? row.team_timezone,
    data: row.data,
    onboardingData: row.onboarding_data,
    isActive: row.is_active,
    isDeleted: row.is_deleted,
    deletedAt: row.deleted_at ? row.deleted_at.getTime() : null,
    availabilityStatus: row.availability_status,
    team: row.team_id,
    role: row.role_id,
    primaryEmail: contact(row, 'email'),
    primaryPhone: contact(row, 'phone'),
    profile: null,
  };
}

/** `2021-09-16T18:34:58.108+05:30`: the instant in the given `+0530`-style offset. */
function isoWithOffset(ms: number, offset: string): string {
  const m = /^([+-])(\d\d)(\d\d)$/.exec(offset) ?? ['', '+', '00', '00'];
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date(ms + minutes * 60_000).toISOString().replace('Z', `${m[1]}${m[2]}:${m[3]}`);
}

export function v2User(row: repo.UserRow) {
  const v1 = v1User(row);
  const tz = v1.timezone;
  return {
    ...v1,
    createdAt: isoWithOffset(v1.createdAt, tz),
    updatedAt: isoWithOffset(v1.updatedAt, tz),
    deletedAt: v1.deletedAt === null ? null : isoWithOffset(v1.deletedAt, tz),
    dob: v1.dob === null ? null : isoWithOffset(v1.dob, tz),
    team: row.team_short_id,
    role: row.role_short_id,
    primaryEmail: row.email,
    primaryPhone: row.phone,
  };
}

const withContacts = <T extends ReturnType<typeof v1User> | ReturnType<typeof v2User>>(user: T, row: repo.UserRow) => ({
  ...user,
  emails: row.email ? [contact(row, 'email')] : [],
  phones: row.phone ? [contact(row, 'phone')] : [],
  reportees: [] as string[],
});

export async function listUsers(db: Queryable, teamId: string, version: 1 | 2, skip = 0, limit = 1000) {
  const rows = await repo.listUsers(db, teamId, skip, limit);
  return version === 1 ? rows.map(v1User) : rows.map(v2User);
}

async function findOrFail(db: Queryable, teamId: string, id: string) {
  const row = isUuid(id) ? await repo.findUser(db, teamId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('user', id);
  return row;
}

export async function getUser(db: Queryable, teamId: string, id: string, version: 1 | 2) {
  const row = await findOrFail(db, teamId, id);
  return withContacts(version === 1 ? v1User(row) : v2User(row), row);
}

export interface UserChanges {
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  timezone?: string;
  bio?: string | null;
  gender?: string | null;
  dob?: number | string | null;
  data?: Record<string, unknown> | null;
  availabilityStatus?: 'AVAILABLE' | 'BUSY' | 'UNAVAILABLE';
  isActive?: boolean;
}

const COLUMNS: Record<keyof UserChanges, string> = {
  firstName: 'first_name',
  middleName: 'middle_name',
  lastName: 'last_name',
  displayName: 'display_name',
  timezone: 'timezone',
  bio: 'bio',
  gender: 'gender',
  dob: 'dob',
  data: 'data',
  availabilityStatus: 'availability_status',
  isActive: 'is_active',
};

export async function updateUser(db: Db, teamId: string, id: string, input: UserChanges) {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input) as [keyof UserChanges, unknown][]) {
    if (key === 'dob' && value !== null) {
      const t = epochMs(value);
      if (!t.ok) throw invalid('dob', t.message);
      changes.dob = t.value;
    } else changes[COLUMNS[key]] = value;
  }
  return db.tx(async (tx) => {
    await findOrFail(tx, teamId, id);
    await repo.updateUser(tx, teamId, id.toLowerCase(), changes);
    return v1User((await repo.findUser(tx, teamId, id.toLowerCase()))!);
  });
}
