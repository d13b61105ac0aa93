/**
 * Where the console lives, read from the page's `<base href>` (set by the server from
 * PUBLIC_BASE_URL): `/console/` on a bare server, `/chakra/console/` behind a proxy prefix.
 */
const base = new URL(document.baseURI);

/** The router's base: the console's path without its trailing slash (`/chakra/console`). */
export const consolePath = base.pathname.replace(/\/+$/, '');

/** The API's base for the client: the server's path prefix (`/chakra`, or '' at the root). */
export const apiBase = new URL('..', base).pathname.replace(/\/+$/, '');
