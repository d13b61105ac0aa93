/**
 * A refused save, split by field: each problem the API names (`_meta.details[].path`, else the
 * start of an `_errors` sentence, docs/errors.md) goes under the field it is about; whatever names
 * no field of the form is shown above it as it came.
 */
import { ChakraApiError } from '@chakra-server/sdk';
import { type RefObject, useEffect } from 'react';
import { problem } from '../api.ts';

export interface Refusal {
  /** By form field key: `data.<shortId>` paths under the attribute's shortId, other paths as they are. */
  fields: Record<string, string>;
  /** The API's sentences that name no field of the form. */
  other: string[];
}

/** `fieldOf(path)` answers the form's key for an API path, or undefined when the form has no such field. */
export function refusalOf(error: unknown, fieldOf: (path: string) => string | undefined): Refusal {
  if (!(error instanceof ChakraApiError)) return { fields: {}, other: [problem(error)] };
  const problems = error.details.length
    ? error.details.map((d) => ({ path: d.path ?? '', message: d.message ?? '', sentence: `${d.path}: ${d.message}` }))
    : error.errors.map((sentence) => {
        const at = sentence.indexOf(': ');
        return at > 0
          ? { path: sentence.slice(0, at), message: sentence.slice(at + 2), sentence }
          : { path: '', message: sentence, sentence };
      });
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const p of problems) {
    const key = p.path ? fieldOf(p.path) : undefined;
    if (key && p.message) fields[key] = fields[key] ? `${fields[key]}; ${p.message}` : p.message;
    else other.push(p.sentence);
  }
  if (!problems.length) other.push(problem(error));
  return { fields, other };
}

/** The attribute shortId a `data.<shortId>…` path names, when it is one of `shortIds`. */
export function attributeOf(path: string, shortIds: Set<string>, prefix = 'data.'): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const shortId = path.slice(prefix.length).split(/[.[]/)[0];
  return shortIds.has(shortId) ? shortId : undefined;
}

/**
 * Moves the focus to the first field the refusal marks invalid (which scrolls it into view), once
 * per refusal: editing a field replaces the refusal's `fields` but keeps its `other` list, so the
 * focus does not jump while the person types.
 */
export function useFocusOnRefusal(form: RefObject<HTMLFormElement | null>, refusal: Refusal | null) {
  const marker = refusal?.other;
  useEffect(() => {
    if (marker) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, marker]);
}
