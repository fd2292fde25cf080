import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as confirmRoute } from '../../app/api/auth/confirm/route';
import { GET as meRoute } from '../../app/api/auth/me/route';
import { POST as passwordRoute } from '../../app/api/auth/password/route';
import { POST as resetRoute } from '../../app/api/auth/reset-password/route';
import { POST as signinRoute } from '../../app/api/auth/signin/route';
import { POST as signoutRoute } from '../../app/api/auth/signout/route';
import { POST as signupRoute } from '../../app/api/auth/signup/route';
import { safeNextPath } from '../../lib/auth/supabase-auth';
import { closeSql } from '../../lib/db/client';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';
import { startFakeSupabaseAuth, type FakeSupabaseAuth } from '../helpers/fake-supabase-auth';

const ANON_KEY = 'anon-key-for-tests';
const ENV_KEYS = ['DATABASE_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_JWT_SECRET', 'SUPABASE_JWKS_URL', 'AUTH_LOCAL', 'PUBLIC_BASE_URL', 'ADMIN_EMAILS'];
const BASE = 'http://127.0.0.1:3000';

function post(path: string, body: unknown, cookie = ''): Request {
  return new Request(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}
const get = (path: string, cookie = '') => new Request(`${BASE}${path}`, { headers: cookie ? { cookie } : {} });

/** The browser's cookie jar after a response: set cookies added, cleared (Max-Age=0) ones removed. */
function applyCookies(jar: Map<string, string>, response: Response): Map<string, string> {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index);
    if (/max-age=0\b/i.test(line) || pair.slice(index + 1) === '') jar.delete(name);
    else jar.set(name, pair.slice(index + 1));
  }
  return jar;
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

describe(`Supabase mode: sign-up, sign-in, sign-out and password reset through supabase-js (${testBackend()})`, () => {
  let database: TestDatabase;
  let auth: FakeSupabaseAuth;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    for (const key of ENV_KEYS) saved[key] = process.env[key];
    database = await openMigratedTestDatabase();
    auth = await startFakeSupabaseAuth({ anonKey: ANON_KEY });
    await closeSql();
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      SUPABASE_URL: auth.url,
      SUPABASE_ANON_KEY: ANON_KEY,
      SUPABASE_JWT_SECRET: auth.jwtSecret,
      PUBLIC_BASE_URL: 'https://peerscope.test',
    });
    delete process.env.SUPABASE_JWKS_URL;
    delete process.env.ADMIN_EMAILS;
  });
  after(async () => {
    for (const key of ENV_KEYS) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    await closeSql();
    await auth.close();
    await database.close();
  });

  it('signs up (email confirmation), confirms through the emailed link, signs in with the Supabase session cookie, signs out', async () => {
    const signup = await signupRoute(post('/api/auth/signup', { email: 'Ada@Example.com', password: 'correct horse battery' }), {});
    assert.equal(signup.status, 201);
    assert.deepEqual(await signup.json(), { user: null, confirmation_required: true });
    assert.ok(auth.calls.some((call) => call.startsWith('POST /auth/v1/signup')), 'supabase-js called Supabase Auth');

    const early = await signinRoute(post('/api/auth/signin', { email: 'ada@example.com', password: 'correct horse battery' }), {});
    assert.equal(early.status, 403);
    assert.equal((await early.json()).error, 'Email not confirmed');

    const duplicate = await signupRoute(post('/api/auth/signup', { email: 'ada@example.com', password: 'another password 1' }), {});
    assert.equal(duplicate.status, 409);

    const [confirmation] = auth.mailbox.get('ada@example.com')!;
    const confirmed = await confirmRoute(get(`/api/auth/confirm?token_hash=${confirmation!.tokenHash}&type=signup`), {});
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.get('location'), '/account');
    const fromLink = applyCookies(new Map(), confirmed);
    assert.ok(fromLink.has('sb-127-auth-token'), 'the link signs the user in');

    const wrong = await signinRoute(post('/api/auth/signin', { email: 'ada@example.com', password: 'wrong password!' }), {});
    assert.equal(wrong.status, 401);
    assert.deepEqual(Object.keys(await wrong.json()), ['error', 'details']);

    const signin = await signinRoute(post('/api/auth/signin', { email: 'ada@example.com', password: 'correct horse battery' }), {});
    assert.equal(signin.status, 200);
    const body = await signin.json();
    assert.equal(body.user.email, 'ada@example.com');
    assert.equal(typeof body.token, 'string');
    const setCookie = signin.headers.getSetCookie().find((line) => line.startsWith('sb-127-auth-token='))!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.doesNotMatch(setCookie, /Secure/, 'plain HTTP: no Secure flag, or the browser drops the cookie');
    const jar = applyCookies(new Map(), signin);

    const me = await meRoute(get('/api/auth/me', cookieHeader(jar)), {});
    assert.equal(me.status, 200);
    assert.equal((await me.json()).user.email, 'ada@example.com');
    const [profile] = await database.sql`select email from profiles where id = ${auth.users.get('ada@example.com')!.id}`;
    assert.equal(profile!.email, 'ada@example.com');

    const signout = await signoutRoute(post('/api/auth/signout', {}, cookieHeader(jar)), {});
    assert.equal(signout.status, 200);
    assert.ok(auth.calls.some((call) => call.startsWith('POST /auth/v1/logout')), 'the session is ended at Supabase Auth');
    applyCookies(jar, signout);
    assert.ok(!jar.has('sb-127-auth-token'), 'the session cookie is cleared');
    assert.equal((await meRoute(get('/api/auth/me', cookieHeader(jar)), {})).status, 401);
  });

  it('resets a password: reset email, link, new password; the old one stops working', async () => {
    const email = 'grace@example.com';
    await signupRoute(post('/api/auth/signup', { email, password: 'first password 1' }), {});
    const [signupMail] = auth.mailbox.get(email)!;
    await confirmRoute(get(`/api/auth/confirm?token_hash=${signupMail!.tokenHash}&type=signup`), {});

    const reset = await resetRoute(post('/api/auth/reset-password', { email }), {});
    assert.equal(reset.status, 200);
    assert.deepEqual(await reset.json(), { sent: true });
    const unknown = await resetRoute(post('/api/auth/reset-password', { email: 'nobody@example.com' }), {});
    assert.deepEqual(await unknown.json(), { sent: true }, 'same answer for unknown addresses');
    assert.ok(auth.calls.some((call) => call.startsWith('POST /auth/v1/recover')));

    const recovery = auth.mailbox.get(email)!.find((message) => message.type === 'recovery')!;
    const link = await confirmRoute(get(`/api/auth/confirm?token_hash=${recovery.tokenHash}&type=recovery`), {});
    assert.equal(link.status, 303);
    assert.equal(link.headers.get('location'), '/account/reset-password');
    const jar = applyCookies(new Map(), link);

    assert.equal((await passwordRoute(post('/api/auth/password', { password: 'short' }, cookieHeader(jar)), {})).status, 400);
    assert.equal((await passwordRoute(post('/api/auth/password', { password: 'second password 2' }), {})).status, 401, 'needs the session');
    const changed = await passwordRoute(post('/api/auth/password', { password: 'second password 2' }, cookieHeader(jar)), {});
    assert.equal(changed.status, 200, await changed.clone().text());
    assert.ok(auth.calls.some((call) => call.startsWith('PUT /auth/v1/user')));

    assert.equal((await signinRoute(post('/api/auth/signin', { email, password: 'first password 1' }), {})).status, 401);
    assert.equal((await signinRoute(post('/api/auth/signin', { email, password: 'second password 2' }), {})).status, 200);

    const reused = await confirmRoute(get(`/api/auth/confirm?token_hash=${recovery.tokenHash}&type=recovery`), {});
    assert.equal(reused.status, 303);
    assert.match(String(reused.headers.get('location')), /^\/account\/sign-in\?error=/);
  });

  it('sets Secure on the session cookie behind an HTTPS proxy and never redirects off-site', async () => {
    const request = new Request(`${BASE}/api/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery' }),
    });
    const signin = await signinRoute(request, {});
    assert.equal(signin.status, 200);
    assert.match(signin.headers.getSetCookie().find((line) => line.startsWith('sb-127-auth-token='))!, /Secure/);
    assert.equal(safeNextPath('//evil.example/x', '/account'), '/account');
    assert.equal(safeNextPath('/\\evil.example', '/account'), '/account');
    assert.equal(safeNextPath('https://evil.example', '/account'), '/account');
    assert.equal(safeNextPath('/account/keys', '/account'), '/account/keys');
    const bad = await confirmRoute(get('/api/auth/confirm?type=recovery'), {});
    assert.equal(bad.status, 303);
    assert.match(String(bad.headers.get('location')), /^\/account\/sign-in\?error=/);
  });

  it('without Supabase, reset goes the local way (503 without email settings) and the Supabase links are unavailable', async () => {
    delete process.env.SUPABASE_ANON_KEY;
    delete process.env.SUPABASE_URL;
    try {
      const reset = await resetRoute(post('/api/auth/reset-password', { email: 'a@example.com' }), {});
      assert.equal(reset.status, 503);
      assert.equal((await confirmRoute(get('/api/auth/confirm?token_hash=x&type=signup'), {})).status, 404);
    } finally {
      process.env.SUPABASE_URL = auth.url;
      process.env.SUPABASE_ANON_KEY = ANON_KEY;
    }
  });
});
