import { Type } from '@sinclair/typebox';

const ErrorRef = Type.Ref('Error');
/** Error responses at these statuses, each the `Error` envelope. */
export const errorsAt = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ErrorRef]));

/**
 * The error responses every authenticated route documents (docs/errors.md). The document adds
 * 409 to idempotent routes and 413/415 to routes with a body (core/http/openapi-document.ts).
 */
export const errorResponses = errorsAt(400, 401, 403, 404, 429, 500);

/** Routes that call Meta: Meta's refusals keep their status; an unreachable or failing Meta is 502, a slow one 504. */
export const upstreamErrorResponses = errorsAt(400, 401, 403, 404, 429, 500, 502, 504);

/** Routes that take no key: a signed link (403 when invalid or expired) or a public file; 404 when there is nothing there. */
export const linkErrorResponses = errorsAt(403, 404);

/** The security of the routes that take the system administrator token as well as a team `admin` key (`config.auth: 'admin'`). */
export const adminSecurity: Record<string, string[]>[] = [{ bearer: [] }, { sessionCookie: [] }, { adminToken: [] }];

/**
 * A route's `operationId`, and its `description` if it has one. A route served again at an
 * older path (`/v1/procedure/…` beside `/v1/ext/procedure/…`) passes `older` for that copy: it
 * gets the same id with `LegacyPath`, is `deprecated`, and its description names the canonical
 * path (given in Fastify's `:param` form, written in OpenAPI's `{param}` form).
 */
export function operation(operationId: string, description?: string, older?: { method: string; canonicalPath: string } | false) {
  if (!older) return description === undefined ? { operationId } : { operationId, description };
  const canonical = older.canonicalPath.replace(/:(\w+)/g, '{$1}');
  const note = `Older path, kept for existing clients: use \`${older.method} ${canonical}\` (\`${operationId}\`).`;
  return { operationId: `${operationId}LegacyPath`, deprecated: true, description: description ? `${note} ${description}` : note };
}
