/**
 * Meta puts the caller's access token into the paging links it returns (`paging.next`), even
 * when the token came in a header. Before an answer of Meta's is passed on, every URL in it
 * loses its `access_token` parameter: a plugin's token is never shown to an API key holder.
 */
export function scrubTokens<T>(value: T): T {
  if (typeof value === 'string') {
    if (!/access_token=/i.test(value) || !/^https?:\/\//i.test(value)) return value;
    try {
      const url = new URL(value);
      for (const key of [...url.searchParams.keys()]) if (key.toLowerCase() === 'access_token') url.searchParams.delete(key);
      return url.toString() as T;
    } catch {
      return value.replace(/access_token=[^&\s"]*/gi, 'access_token=[removed]') as T;
    }
  }
  if (Array.isArray(value)) return value.map(scrubTokens) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubTokens(v)])) as T;
  }
  return value;
}
