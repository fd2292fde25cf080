import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { authConfig } from '../../lib/auth/config';
import { signInLimiter } from '../../lib/auth/sign-in-limiter';
import { requireAdmin, requireUser } from '../../lib/auth/session';
import { closeSql } from '../../lib/db/client';
import { POST as signinRoute } from '../../app/api/auth/signin/route';
import { POST as signoutRoute } from '../../app/api/auth/signout/route';
import { POST as signupRoute } from '../../app/api/auth/signup/route';
import { GET as meRoute } from '../../app/api/auth/me/route';
import { POST as passwordRoute } from '../../app/api/auth/password/route';
import { POST as adminSessionsRoute } from '../../app/api/admin/users/sessions/route';
import { PATCH as adminUsersRoute } from '../../app/api/admin/users/route';
import { POST as createKeyRoute } from '../../app/api/keys/route';
import { fromAddress } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { createTestUser } from '../helpers/accounts';

const ENV_KEYS = ['SUPABASE_URL', 'SUPABASE_JWT_SECRET', 'SUPABASE_JWKS_URL', 'AUTH_LOCAL', 'ADMIN_EMAILS', 'AUTH_JWT_SECRET'];

function post(url: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://127.0.0.1:3000${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...fromAddress('203.0.113.9'), ...headers },
    body: JSON.stringify(body),
  });
}

describe('authentication', () => {
  let database: TestDatabase;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
    for (const key of ENV_KEYS) saved[key] = process.env[key];
  });
  beforeEach(() => {
    for (const key of ENV_KEYS) delete process.env[key];
    signInLimiter.reset();
  });
  after(async () => {
    for (const key of ENV_KEYS) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    await closeSql();
    await database.close();
  });

  it('signs up, signs in with a cookie and a bearer token, and signs out', async () => {
    const signup = await signupRoute(post('/api/auth/signup', { email: 'Alice@Example.com', password: 'correct horse battery' }), {});
    assert.equal(signup.status, 201);
    const created = await signup.json();
    assert.equal(created.user.email, 'alice@example.com');
    const cookie = signup.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^peerscope_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);

    const [stored] = await database.sql`select password_hash from local_credentials where user_id = ${created.user.id}`;
    assert.match(stored!.password_hash, /^scrypt\$/);
    assert.ok(!stored!.password_hash.includes('correct horse'));

    const again = await signupRoute(post('/api/auth/signup', { email: 'alice@example.com', password: 'another password' }), {});
    assert.equal(again.status, 409);

    const wrong = await signinRoute(post('/api/auth/signin', { email: 'alice@example.com', password: 'wrong password!' }), {});
    assert.equal(wrong.status, 401);
    assert.deepEqual(Object.keys(await wrong.json()).sort(), ['details', 'error']);

    const signin = await signinRoute(post('/api/auth/signin', { email: 'alice@example.com', password: 'correct horse battery' }), {});
    assert.equal(signin.status, 200);
    const { token } = await signin.json();

    const viaBearer = await meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: { authorization: `Bearer ${token}` } }), {});
    assert.equal(viaBearer.status, 200);
    assert.equal((await viaBearer.json()).user.email, 'alice@example.com');
    const sessionCookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const viaCookie = await meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: { cookie: sessionCookie } }), {});
    assert.equal(viaCookie.status, 200);

    const signout = await signoutRoute(post('/api/auth/signout', {}), {});
    assert.match(signout.headers.get('set-cookie') ?? '', /peerscope_session=; .*Max-Age=0/);
  });

  it('answers 401 without a session, with a forged token, and 400 for bad input', async () => {
    const none = await meRoute(new Request('http://127.0.0.1:3000/api/auth/me'), {});
    assert.equal(none.status, 401);
    const forged = await new SignJWT({ email: 'x@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-4000-8000-000000000000')
      .setIssuer('peerscope')
      .setAudience('peerscope')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
    const refused = await meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: { authorization: `Bearer ${forged}` } }), {});
    assert.equal(refused.status, 401);
    const bad = await signupRoute(post('/api/auth/signup', { email: 'not-an-email', password: 'short' }), {});
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).details, /email/);
    const malformed = await signinRoute(new Request('http://127.0.0.1:3000/api/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), {});
    assert.equal(malformed.status, 400);
  });

  it('throttles guesses per (account, address) with growing delays, without locking the owner out', async () => {
    await signupRoute(post('/api/auth/signup', { email: 'bob@example.com', password: 'bob password 123' }, fromAddress('198.51.100.1')), {});
    const owner = await signinRoute(post('/api/auth/signin', { email: 'bob@example.com', password: 'bob password 123' }, fromAddress('198.51.100.1')), {});
    assert.equal(owner.status, 200, 'the owner signs in once from a known address');
    const attempt = (ip: string, password = 'wrong password!', extra: Record<string, string> = {}) =>
      signinRoute(post('/api/auth/signin', { email: 'bob@example.com', password }, { ...fromAddress(ip), ...extra }), {});
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) statuses.push((last = await attempt('192.0.2.50')).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429], 'five free guesses, then a delay');
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    // An attacker spread over many addresses hits the account ceiling...
    let refused = 0;
    for (let i = 0; i < 110; i++) if ((await attempt(`192.0.${Math.floor(i / 4) + 3}.${i + 1}`)).status === 429) refused += 1;
    assert.ok(refused >= 10, `the per-account ceiling holds (${refused} refused)`);
    // ...but the owner, from the address they used before, still signs in.
    assert.equal((await attempt('198.51.100.1', 'bob password 123')).status, 200);
  });

  it('throttles sign-ins from one socket whatever X-Forwarded-For says', async () => {
    let throttled = 0;
    for (let i = 0; i < 60; i++) {
      const response = await signinRoute(
        post('/api/auth/signin', { email: `user${i}@example.com`, password: 'wrong password!' }, { ...fromAddress('203.0.113.60'), 'x-forwarded-for': `198.51.100.${i + 1}` }),
        {},
      );
      if (response.status === 429) throttled += 1;
    }
    assert.equal(throttled, 10, 'at most 50 attempts per address');
  });

  it('ends sessions at once: sign-out, sign out everywhere, password change, ban; requires exp', async () => {
    const signup = await signupRoute(post('/api/auth/signup', { email: 'dana@example.com', password: 'dana password 1' }), {});
    const first = (await signup.json()).token as string;
    const second = (await (await signinRoute(post('/api/auth/signin', { email: 'dana@example.com', password: 'dana password 1' }), {})).json()).token as string;
    const me = (token: string) => meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: { authorization: `Bearer ${token}` } }), {});
    assert.equal((await me(first)).status, 200);

    const out = await signoutRoute(post('/api/auth/signout', {}, { authorization: `Bearer ${first}` }), {});
    assert.equal((await out.json()).sessions_ended, 1);
    assert.equal((await me(first)).status, 401, 'a signed-out token stops working');
    assert.equal((await me(second)).status, 200, 'other sessions stay');

    const changed = await passwordRoute(post('/api/auth/password', { current_password: 'dana password 1', new_password: 'dana password 2' }, { authorization: `Bearer ${second}` }), {});
    assert.equal(changed.status, 200);
    const third = (await changed.json()).token as string;
    assert.equal((await me(second)).status, 401, 'a password change ends the other sessions');
    assert.equal((await me(third)).status, 200, 'and gives the caller a new one');
    const wrongCurrent = await passwordRoute(post('/api/auth/password', { current_password: 'nope nope nope', new_password: 'dana password 3' }, { authorization: `Bearer ${third}` }), {});
    assert.equal(wrongCurrent.status, 403);
    assert.equal((await signinRoute(post('/api/auth/signin', { email: 'dana@example.com', password: 'dana password 2' }), {})).status, 200);

    const admin = await createTestUser(database.sql, 'root@example.com', 'admin');
    const userId = (await (await me(third)).json()).user.id as string;
    const everywhere = await adminSessionsRoute(post('/api/admin/users/sessions', { user_id: userId }, { authorization: `Bearer ${admin.token}` }), {});
    assert.equal(everywhere.status, 200);
    assert.ok((await everywhere.json()).sessions_ended >= 2);
    assert.equal((await me(third)).status, 401, "an admin's sign out everywhere ends it");
    const [audited] = await database.sql`select action from admin_audit_log where target_id = ${userId} order by created_at desc limit 1`;
    assert.equal(audited?.action, 'user.sign_out_everywhere');

    const fourth = (await (await signinRoute(post('/api/auth/signin', { email: 'dana@example.com', password: 'dana password 2' }), {})).json()).token as string;
    const ban = await adminUsersRoute(
      new Request('http://127.0.0.1:3000/api/admin/users', { method: 'PATCH', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_id: userId, banned: true, reason: 'abuse' }) }),
      {},
    );
    assert.equal(ban.status, 200);
    await adminUsersRoute(
      new Request('http://127.0.0.1:3000/api/admin/users', { method: 'PATCH', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_id: userId, banned: false }) }),
      {},
    );
    assert.equal((await me(fourth)).status, 401, 'a ban ended the session; unbanning does not bring it back');

    const { localSigningKey } = await import('../../lib/auth/tokens');
    const noExp = await new SignJWT({ email: 'dana@example.com', sid: '00000000-0000-4000-8000-000000000001' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer('peerscope')
      .setAudience('peerscope')
      .sign(await localSigningKey(database.sql, authConfig()));
    assert.equal((await me(noExp)).status, 401, 'a token without exp is refused');
  });

  it('refuses cross-site cookie mutations and non-JSON bodies, not bearer calls', async () => {
    const signup = await signupRoute(post('/api/auth/signup', { email: 'erin@example.com', password: 'erin password 1' }), {});
    const { token } = await signup.json();
    const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;
    const createKey = (headers: Record<string, string>, body = JSON.stringify({ name: 'k' })) =>
      createKeyRoute(new Request('http://127.0.0.1:3000/api/keys', { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers }, body }), {});
    const crossSite = await createKey({ cookie, 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    assert.equal((await createKey({ cookie, 'content-type': 'application/json', origin: 'https://evil.example' })).status, 403);
    assert.equal((await createKey({ cookie, 'content-type': 'text/plain', origin: 'http://127.0.0.1:3000' })).status, 415);
    assert.equal((await createKey({ cookie, 'content-type': 'application/json', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })).status, 201);
    assert.equal((await createKey({ authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: 'https://evil.example' })).status, 201);
    const crossSignin = await signinRoute(post('/api/auth/signin', { email: 'erin@example.com', password: 'erin password 1' }, { 'sec-fetch-site': 'cross-site' }), {});
    assert.equal(crossSignin.status, 403);
  });

  it('sets Secure on the session cookie only over https (socket or trusted proxy)', async () => {
    await signupRoute(post('/api/auth/signup', { email: 'finn@example.com', password: 'finn password 1' }), {});
    const signIn = (headers: Record<string, string>) => signinRoute(post('/api/auth/signin', { email: 'finn@example.com', password: 'finn password 1' }, headers), {});
    const plain = await signIn({ ...fromAddress('192.0.2.20'), 'x-forwarded-proto': 'https' });
    assert.doesNotMatch(plain.headers.get('set-cookie') ?? '', /Secure/);
    assert.equal((await plain.json()).cookie.secure, false);
    assert.match((await signIn(fromAddress('192.0.2.20', 'https'))).headers.get('set-cookie') ?? '', /; Secure/);
    process.env.TRUSTED_PROXIES = 'loopback';
    try {
      assert.match((await signIn({ ...fromAddress('127.0.0.1'), 'x-forwarded-proto': 'https' })).headers.get('set-cookie') ?? '', /; Secure/);
    } finally {
      delete process.env.TRUSTED_PROXIES;
    }
  });

  it('turns local sign-in off when SUPABASE_URL is set or AUTH_LOCAL=false', async () => {
    process.env.SUPABASE_URL = 'https://abcdefgh.supabase.co';
    process.env.SUPABASE_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters';
    const refused = await signinRoute(post('/api/auth/signin', { email: 'alice@example.com', password: 'correct horse battery' }), {});
    assert.equal(refused.status, 403);
    assert.match((await refused.json()).details, /Supabase/);
    delete process.env.SUPABASE_URL;
    process.env.AUTH_LOCAL = 'false';
    const off = await signupRoute(post('/api/auth/signup', { email: 'carol@example.com', password: 'carol password 1' }), {});
    assert.equal(off.status, 403);
    assert.equal(authConfig({ AUTH_LOCAL: 'false' }).localEnabled, false);
    assert.equal(authConfig({}).localEnabled, true);
  });

  it('accepts a Supabase HS256 access token, creates the profile, and refuses a forged one', async () => {
    process.env.SUPABASE_URL = 'https://abcdefgh.supabase.co';
    process.env.SUPABASE_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters';
    process.env.ADMIN_EMAILS = 'Boss@Example.com, other@example.com';
    const sub = '3f1d2c4b-5a69-4788-9abc-def012345678';
    const sign = (secret: string) =>
      new SignJWT({ email: 'boss@example.com', role: 'authenticated' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer('https://abcdefgh.supabase.co/auth/v1')
        .setAudience('authenticated')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
    const good = await sign('super-secret-jwt-token-with-at-least-32-characters');
    const profile = await requireUser(new Request('http://x/', { headers: { authorization: `Bearer ${good}` } }), { sql: database.sql });
    assert.equal(profile.id, sub);
    assert.equal(profile.role, 'admin', 'ADMIN_EMAILS promotes');
    const [row] = await database.sql`select email from profiles where id = ${sub}`;
    assert.equal(row!.email, 'boss@example.com');

    const forged = await sign('an-attacker-secret-that-is-long-enough-to-sign');
    await assert.rejects(
      requireUser(new Request('http://x/', { headers: { authorization: `Bearer ${forged}` } }), { sql: database.sql }),
      (error: { status?: number }) => error.status === 401,
    );

    // The @supabase/ssr cookie, chunked and base64-encoded.
    const session = Buffer.from(JSON.stringify({ access_token: good, refresh_token: 'r' })).toString('base64url');
    const value = `base64-${session}`;
    const cookie = `sb-abcdefgh-auth-token.0=${value.slice(0, 100)}; sb-abcdefgh-auth-token.1=${value.slice(100)}`;
    const viaCookie = await requireUser(new Request('http://x/', { headers: { cookie } }), { sql: database.sql });
    assert.equal(viaCookie.id, sub);
  });

  it('verifies Supabase tokens against a JWKS served on 127.0.0.1', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    const server: Server = createServer((request, response) => {
      if (request.url === '/auth/v1/.well-known/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: [jwk] }));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const base = `http://127.0.0.1:${port}`;
      const config = authConfig({ SUPABASE_URL: base });
      const sub = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
      const token = await new SignJWT({ email: 'jwks@example.com' })
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject(sub)
        .setIssuer(`${base}/auth/v1`)
        .setAudience('authenticated')
        .setExpirationTime('1h')
        .sign(privateKey);
      const profile = await requireUser(new Request('http://x/', { headers: { authorization: `Bearer ${token}` } }), { sql: database.sql, config });
      assert.equal(profile.email, 'jwks@example.com');

      const other = await generateKeyPair('ES256');
      const forged = await new SignJWT({ email: 'jwks@example.com' })
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject(sub)
        .setIssuer(`${base}/auth/v1`)
        .setAudience('authenticated')
        .setExpirationTime('1h')
        .sign(other.privateKey);
      await assert.rejects(
        requireUser(new Request('http://x/', { headers: { authorization: `Bearer ${forged}` } }), { sql: database.sql, config }),
        (error: { status?: number }) => error.status === 401,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses banned users with 403 and non-admins on admin routes', async () => {
    const user = await createTestUser(database.sql, 'banned@example.com');
    const request = () => new Request('http://x/', { headers: { authorization: `Bearer ${user.token}` } });
    await requireUser(request(), { sql: database.sql });
    await assert.rejects(requireAdmin(request(), { sql: database.sql }), (error: { status?: number }) => error.status === 403);
    await database.sql`update profiles set banned_at = now(), ban_reason = 'spam' where id = ${user.id}`;
    const response = await meRoute(request(), {});
    assert.equal(response.status, 403);
    assert.match((await response.json()).details, /spam/);
  });
});
