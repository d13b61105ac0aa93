import { Type } from '@sinclair/typebox';

const ErrorRef = Type.Ref('Error');

/** The error responses every authenticated route documents (docs/errors.md). */
export const errorResponses = {
  400: ErrorRef,
  401: ErrorRef,
  403: ErrorRef,
  404: ErrorRef,
  429: ErrorRef,
  500: ErrorRef,
};

/** The security of the routes that take the system administrator token as well as a team `admin` key (`config.auth: 'admin'`). */
export const adminSecurity: Record<string, string[]>[] = [{ bearer: [] }, { adminToken: [] }];

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
