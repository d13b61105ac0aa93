import type { ErrorObject } from 'ajv';
import { MAX_LISTED_PROBLEMS, type ErrorDetail } from './errors.ts';
import { joinPath, pointerToPath } from './json-path.ts';

/**
 * Ajv's errors as "<field>: <reason>" details naming the field (docs/errors.md).
 * `prefix` is prepended to every path (e.g. "query." for query-string errors).
 */
export function ajvErrorsToDetails(errors: Partial<ErrorObject>[], prefix = '', rootName = 'body'): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (details.length >= MAX_LISTED_PROBLEMS) break;
    // anyOf/oneOf produce one error per branch plus a summary; the summary says enough.
    if (e.keyword === 'if') continue;
    let path = pointerToPath(e.instancePath ?? '');
    let message = e.message ?? 'is invalid';
    const params = (e.params ?? {}) as Record<string, any>;
    if (e.keyword === 'required') {
      path = joinPath(path, params.missingProperty);
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = joinPath(path, params.additionalProperty);
      message = 'is not a known field';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${params.allowedValues.map((x: unknown) => JSON.stringify(x)).join(', ')}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify(params.allowedValue)}`;
    }
    const full = path ? prefix + path : prefix.replace(/\.$/, '') || rootName;
    if (seen.has(`${full}\u0000${message}`)) continue;
    seen.add(`${full}\u0000${message}`);
    details.push({ path: full, code: e.keyword ?? 'invalid', message });
  }
  // A failed union lists every branch's complaint; keep the more specific ones when there are some.
  const specific = details.filter((d) => d.code !== 'anyOf' && d.code !== 'oneOf');
  return specific.length ? collapseUnionNoise(specific) : details;
}

/**
 * One detail per path. A failed union of literals yields one `must be "x"` per literal: those
 * become a single `must be one of "x", "y", …`.
 */
function collapseUnionNoise(details: ErrorDetail[]): ErrorDetail[] {
  const byPath = new Map<string, ErrorDetail[]>();
  for (const d of details) {
    const same = byPath.get(d.path);
    if (same) same.push(d);
    else byPath.set(d.path, [d]);
  }
  const out: ErrorDetail[] = [];
  for (const [, same] of byPath) {
    const d = same[0];
    const literals = same.filter((o) => o.code === 'const');
    if (literals.length > 1) {
      out.push({
        path: d.path,
        code: 'enum',
        message: `must be one of ${literals.map((o) => o.message.slice('must be '.length)).join(', ')}`,
      });
    } else out.push(d);
  }
  return out;
}
