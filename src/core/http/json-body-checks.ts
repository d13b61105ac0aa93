/**
 * What a JSON body may not hold, checked on its text before parsing.
 *
 * How deep it nests: every layer of the server that walks a
 * body recursively (validation, the `where` compiler, JSON.stringify for a pass-through) would
 * overflow its stack on 100,000 nested arrays, so such a body is a 400 at the door.
 */
const MAX_JSON_DEPTH = 64;

/** Whether `text` opens more than `limit` objects or arrays inside one another. One pass, no allocation. */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export const tooDeepReason = `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * Escapes that parse into text PostgreSQL cannot store (its `text` and `jsonb` refuse them):
 * `\u0000` and an unpaired UTF-16 surrogate such as `\ud800`. An escaped backslash before them
 * (`\\u0000`, the seven characters) is ordinary text.
 */
const ESCAPED = String.raw`(?:^|[^\\])(?:\\\\)*`;
const HIGH = String.raw`\\u[dD][89abAB][0-9a-fA-F]{2}`;
const LOW = String.raw`\\u[dD][c-fC-F][0-9a-fA-F]{2}`;
const NUL_ESCAPE = new RegExp(String.raw`${ESCAPED}\\u0000`);
const LONE_SURROGATE = new RegExp(`${ESCAPED}(?:${HIGH}(?!${LOW})|(?<!${HIGH})${LOW})`);

/** Why the text cannot be stored, or undefined. */
export function unstorableEscape(text: string): string | undefined {
  if (NUL_ESCAPE.test(text)) return 'contains the NUL character \\u0000, which cannot be stored';
  if (/\\u[dD]/.test(text) && LONE_SURROGATE.test(text))
    return 'contains an unpaired UTF-16 surrogate (such as \\ud800), which cannot be stored';
  return undefined;
}
