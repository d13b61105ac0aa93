/**
 * Console sign-in through real HTTP: sign-in links, passwords, sessions as principals (the same
 * privileges and refusals as a key of the role), CSRF, sign-out, throttling, restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const PASSWORD = 'correct horse battery';
let s: TestServer;

beforeAll(async () => {
  // No cache: a deactivation or a changed row is seen at once, as another instance would see it after KEY_CACHE_TTL_MS.
  s = await startTestServer({ KEY_CACHE_TTL_MS: '0' }, undefined, { workers: false });
});
afterAll(() => s?.close());

interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
  user: { username: string; role: string; privileges: string[] };
}

function sessionFrom(res: Awaited<ReturnType<typeof call>>): Session {
  expect(res.status, res.text).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0], csrf: res.json._data.csrfToken, setCookie, user: res.json._data.user };
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
  call(s.url, 'POST', '/v1/ext/auth/sign-in', { body: { email, password }, headers });
const as = (session: Session, csrf = true) => ({ cookie: session.cookie, ...(csrf ? { 'x-csrf-token': session.csrf } : {}) });

let john: Session;

describe('console sign-in', () => {
  it('the first start gives a sign-in link for john, which sets a password once and never twice', async () => {
    expect(s.demoSignInLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/setup\?token=[\w-]{43}$/);
    const token = tokenOf(s.demoSignInLink);
    const tooShort = await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: 'short' } });
    expect(tooShort.status).toBe(400);
    expect(tooShort.json._errors[0]).toBe('password: must be at least 10 characters');

    john = sessionFrom(await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: PASSWORD } }));
    expect(john.user).toMatchObject({ username: 'john@paisapay.com', role: 'inside_sales' });
    expect(john.setCookie).toMatch(/^chakra_session=chs_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    expect(john.setCookie).not.toMatch(/Secure/); // served over http here

    const again = await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: 'another long password' } });
    expect(again.status).toBe(400);
    expect(again.json._meta.code).toBe('SETUP_LINK_INVALID');
    // The refused second use changed nothing: the first password still signs in.
    sessionFrom(await signIn('john@paisapay.com', PASSWORD));
  });

  it('a session is a principal like a key of the role: reads, writes with the CSRF token, the same 403s', async () => {
    const me = await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(john, false) });
    expect(me.status, me.text).toBe(200);
    expect(me.json._data).toEqual({
      user: expect.objectContaining({ username: 'john@paisapay.com', displayName: 'John Doe', team: 'demo', role: 'inside_sales' }),
      csrfToken: john.csrf,
    });

    const list = await call(s.url, 'GET', '/v1/ext/config', { headers: as(john, false) });
    expect(list.status, list.text).toBe(200);

    const body = { data: { firstname: 'Ravi', lead_id: 'L-SIGNIN-1' } };
    const noToken = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', { headers: as(john, false), body });
    expect(noToken.status).toBe(403);
    expect(noToken.json._meta.code).toBe('CSRF_TOKEN_INVALID');
    const wrongToken = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
      headers: { cookie: john.cookie, 'x-csrf-token': 'x'.repeat(43) },
      body,
    });
    expect(wrongToken.json._meta.code).toBe('CSRF_TOKEN_INVALID');
    const none = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/list', {
      key: s.demoKey,
      body: { where: { lead_id: 'L-SIGNIN-1' } },
    });
    expect(none.json._data).toEqual([]);

    const created = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', { headers: as(john), body });
    expect(created.status, created.text).toBe(200);
    const id = created.json._data.id;

    // inside_sales lacks process:delete: the same refusal an inside_sales key gets.
    const keyRes = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      body: { name: 'sales', role: 'inside_sales' },
    });
    const byKey = await call(s.url, 'DELETE', `/v1/ext/procedure/lead/process/${id}`, { key: keyRes.json._data.key });
    const bySession = await call(s.url, 'DELETE', `/v1/ext/procedure/lead/process/${id}`, { headers: as(john) });
    expect(bySession.status).toBe(403);
    expect(byKey.status).toBe(403);
    expect([bySession.json._meta.code, bySession.json._errors]).toEqual([byKey.json._meta.code, byKey.json._errors]);
    expect(bySession.json._errors[0]).toBe('role inside_sales lacks the privilege process:delete');

    // Nor may an inside_sales user mint sign-in links (the admin privilege).
    const link = await call(s.url, 'POST', '/v1/ext/user/alex@paisapay.com/sign-in-link', { headers: as(john) });
    expect(link.status).toBe(403);
  });

  it('a wrong password and an unknown user get the same answer; repeated failures are slowed per account', async () => {
    const wrong = await signIn('john@paisapay.com', 'not the password');
    const unknown = await signIn('nobody@example.com', 'not the password');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.json._meta.code).toBe('SIGN_IN_FAILED');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(unknown.json._errors).toEqual(wrong.json._errors);

    for (let i = 0; i < 4; i++) expect((await signIn('JOHN@paisapay.com', `wrong ${i}`)).status).toBe(401);
    // Five failures: even the right password now waits.
    const slowed = await signIn('john@paisapay.com', PASSWORD);
    expect(slowed.status).toBe(429);
    expect(slowed.json._meta.code).toBe('SIGN_IN_SLOWED');
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, Number(slowed.headers.get('retry-after')) * 1000 + 50));
    sessionFrom(await signIn('john@paisapay.com', PASSWORD));
  });

  it('an admin makes a reset link (API), which replaces the password and ends the other sessions', async () => {
    const link = await call(s.url, 'POST', '/v1/ext/user/john@paisapay.com/sign-in-link', { key: s.demoKey });
    expect(link.status, link.text).toBe(200);
    expect(link.json._data).toEqual({
      user: 'john@paisapay.com',
      url: expect.stringContaining('/console/setup?token='),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(link.json._data.expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const other = await call(s.url, 'POST', '/v1/ext/user/nobody/sign-in-link', { key: s.demoKey });
    expect(other.status).toBe(404);

    const fresh = sessionFrom(
      await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token: tokenOf(link.json._data.url), password: `${PASSWORD}!` } }),
    );
    const old = await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(john, false) });
    expect(old.status).toBe(401);
    expect(old.json._meta.code).toBe('SESSION_INVALID');
    expect((await signIn('john@paisapay.com', PASSWORD)).status).toBe(401);
    john = fresh;
  });

  it('sign out ends this session; sign out everywhere ends them all', async () => {
    const second = sessionFrom(await signIn('john@paisapay.com', `${PASSWORD}!`));
    const third = sessionFrom(await signIn('john@paisapay.com', `${PASSWORD}!`));
    const out = await call(s.url, 'POST', '/v1/ext/auth/sign-out', { headers: as(second) });
    expect(out.status, out.text).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^chakra_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    expect((await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(second, false) })).status).toBe(401);
    expect((await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(third, false) })).status).toBe(200);

    const everywhere = await call(s.url, 'POST', '/v1/ext/auth/sign-out-everywhere', { headers: as(third) });
    expect(everywhere.json._data.sessionsEnded).toBe(2); // third and john's
    for (const session of [third, john])
      expect((await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(session, false) })).status).toBe(401);
    john = sessionFrom(await signIn('john@paisapay.com', `${PASSWORD}!`));
  });

  it('a session ends when idle too long, past its expiry, or when the user is deactivated', async () => {
    const idle = sessionFrom(await signIn('john@paisapay.com', `${PASSWORD}!`));
    await s.ctx.db.run(
      `update user_sessions set last_seen_at = now() - interval '13 hours' where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [idle.cookie.split('=')[1]],
    );
    expect((await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(idle, false) })).json._meta.code).toBe('SESSION_INVALID');

    const expired = sessionFrom(await signIn('john@paisapay.com', `${PASSWORD}!`));
    await s.ctx.db.run(
      `update user_sessions set expires_at = now() - interval '1 second' where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [expired.cookie.split('=')[1]],
    );
    expect((await call(s.url, 'GET', '/v1/ext/auth/session', { headers: as(expired, false) })).status).toBe(401);

    const alexLink = await call(s.url, 'POST', '/v1/ext/user/alex@paisapay.com/sign-in-link', { key: s.demoKey });
    const alex = sessionFrom(
      await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token: tokenOf(alexLink.json._data.url), password: PASSWORD } }),
    );
    const users = await call(s.url, 'GET', '/v1/ext/users', { key: s.demoKey });
    const alexId = users.json._data.find((u: { username: string }) => u.username === 'alex@paisapay.com').id;
    await call(s.url, 'PATCH', `/v1/ext/user/${alexId}`, { key: s.demoKey, body: { isActive: false } });
    expect((await call(s.url, 'GET', '/v1/ext/users', { headers: as(alex, false) })).status).toBe(401);
    expect((await signIn('alex@paisapay.com', PASSWORD)).status).toBe(401);
  });

  it('API keys work as before beside sessions; routes for sessions refuse keys', async () => {
    expect((await call(s.url, 'GET', '/v1/ext/users', { key: s.demoKey })).status).toBe(200);
    const me = await call(s.url, 'GET', '/v1/ext/auth/session', { key: s.demoKey });
    expect(me.status).toBe(401);
    expect(me.json._meta.code).toBe('SESSION_INVALID');
  });

  it('sessions survive a restart', async () => {
    const session = sessionFrom(await signIn('john@paisapay.com', `${PASSWORD}!`));
    const second = await startTestServer({}, s.db, { workers: false });
    try {
      const me = await call(second.url, 'GET', '/v1/ext/auth/session', { headers: as(session, false) });
      expect(me.status, me.text).toBe(200);
      expect(me.json._data.csrfToken).toBe(session.csrf);
    } finally {
      await second.close();
    }
  });

  // Last: it leaves this test's address slowed for the rest of the hour.
  it('many failures from one address, each to another account, slow that address for everyone', async () => {
    let slowedAt = -1;
    for (let i = 0; i < 50 && slowedAt < 0; i++) {
      const res = await signIn(`nobody-${i}@example.com`, 'not the password');
      if (res.status === 429) slowedAt = i;
      else expect(res.status).toBe(401);
    }
    // Each of those accounts failed once at most, so only the address can be slowed (at its 50th
    // failure, counting the earlier tests' ones from it).
    expect(slowedAt).toBeGreaterThan(0);
    const slowed = await signIn('john@paisapay.com', `${PASSWORD}!`);
    expect(slowed.status).toBe(429);
    expect(slowed.json._meta.code).toBe('SIGN_IN_SLOWED');
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('never writes a password or a session token to the log', async () => {
    const text = JSON.stringify(s.logs);
    expect(s.logs.length).toBeGreaterThan(10);
    for (const secret of [PASSWORD, john.cookie.split('=')[1], john.csrf]) expect(text).not.toContain(secret);
  });
});
