/**
 * The console's one client: the SDK, same origin, with the session cookie and the session's
 * CSRF token on every state-changing call. The session routes (`/v1/ext/auth/…`, docs/console.md#sign-in)
 * go through the same client's typed `raw` caller.
 */
import { ChakraApiError, createClient, type ResponseData } from '@chakra-server/sdk';
import { apiBase } from './paths.ts';

export type Session = ResponseData<'getSession'>;

let csrfToken: string | undefined;

export const client = createClient({
  baseUrl: apiBase,
  credentials: 'include',
  csrfToken: () => csrfToken,
  // Short waits only: a person is looking at the screen, and a slowed sign-in must say so, not hang.
  retry: { retries: 2, maxDelayMs: 3_000 },
});

// The session calls are never retried: a slowed sign-in (429 with Retry-After) is shown to the
// person, not sent again with the same password, which would count as one more attempt.
const raw = createClient({ baseUrl: apiBase, credentials: 'include', csrfToken: () => csrfToken, retry: false }).raw;

async function sessionCall(call: Promise<{ data?: { _data: Session }; error?: unknown; response: Response }>): Promise<Session> {
  const { data, error, response } = await call;
  if (!response.ok || !data)
    throw new ChakraApiError({ status: response.status, body: error, headers: response.headers, url: response.url });
  csrfToken = data._data.csrfToken;
  return data._data;
}

/** The signed-in session, or `null` when there is none (401). */
export async function currentSession(): Promise<Session | null> {
  try {
    return await sessionCall(raw.GET('/v1/ext/auth/session'));
  } catch (error) {
    if (error instanceof ChakraApiError && error.status === 401) {
      csrfToken = undefined;
      return null;
    }
    throw error;
  }
}

export const signIn = (email: string, password: string) => sessionCall(raw.POST('/v1/ext/auth/sign-in', { body: { email, password } }));

export const completeSetup = (token: string, password: string) =>
  sessionCall(raw.POST('/v1/ext/auth/setup', { body: { token, password } }));

async function ended(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok && response.status !== 401) {
    throw new ChakraApiError({ status: response.status, body: error, headers: response.headers, url: response.url });
  }
  csrfToken = undefined;
}

export const signOut = () => ended(raw.POST('/v1/ext/auth/sign-out'));
export const signOutEverywhere = () => ended(raw.POST('/v1/ext/auth/sign-out-everywhere'));

/** What to show a person for a failed call: the server's own sentence when it sent one. */
export function problem(error: unknown): string {
  if (error instanceof ChakraApiError) {
    if (error.status === 429) {
      const seconds = error.retryAfterMs ? Math.ceil(error.retryAfterMs / 1000) : undefined;
      return `${error.errors[0] ?? 'Too many attempts.'}${seconds ? ` Try again in ${seconds} s.` : ''}`;
    }
    return error.errors[0] ?? `The server answered ${error.status}.`;
  }
  return 'The server could not be reached. Check your connection and try again.';
}
