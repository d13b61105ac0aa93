/** The privileges a role may list (docs/api.md#privileges). `admin` implies every other one. */
export const PRIVILEGES = [
  'process:read',
  'process:write',
  'process:delete',
  'task:write',
  'user:read',
  'user:write',
  'photo:read',
  'photo:write',
  'job:read',
  'config:read',
  'whatsapp:send',
  'whatsapp:manage',
  'webhook:manage',
  'admin',
] as const;

export type Privilege = (typeof PRIVILEGES)[number];

export function hasPrivilege(granted: ReadonlySet<string>, wanted: Privilege): boolean {
  return granted.has('admin') || granted.has(wanted);
}
