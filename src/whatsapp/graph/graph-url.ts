/**
 * Where a plugin's Graph API calls go: `sandbox` (the bundled stand-in, in-process) or an
 * http(s) URL. A plugin's `graphApiUrl` and WHATSAPP_GRAPH_URL, which overrides it, are checked
 * by this one function so that the two accept exactly the same values.
 */

/** The Graph API location that selects the in-process sandbox. */
export const SANDBOX_GRAPH_URL = 'sandbox';

/**
 * Why a Graph API location is refused, or undefined when it is accepted.
 *
 * @example graphUrlProblem('sandbox') // undefined
 * @example graphUrlProblem('ftp://x') // 'must be "sandbox" or an http(s) URL'
 */
export function graphUrlProblem(value: string): string | undefined {
  if (value === SANDBOX_GRAPH_URL) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be "sandbox" or an http(s) URL';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return 'must be "sandbox" or an http(s) URL';
  return undefined;
}
