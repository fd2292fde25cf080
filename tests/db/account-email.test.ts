import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { POST as resetRoute } from '../../app/api/auth/reset-password/route';
import { POST as resetConfirmRoute } from '../../app/api/auth/reset-password/confirm/route';
import { POST as verifyRoute } from '../../app/api/auth/verify-email/route';
import { POST as verifyConfirmRoute } from '../../app/api/auth/verify-email/confirm/route';
import { POST as signinRoute } from '../../app/api/auth/signin/route';
import { POST as signupRoute } from '../../app/api/auth/signup/route';
import { GET as meRoute } from '../../app/api/auth/me/route';
import { accountEmailLimiter } from '../../lib/auth/recovery';
import { signInLimiter } from '../../lib/auth/sign-in-limiter';
import { closeSql } from '../../lib/db/client';
import { fromAddress } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { startReceiver, type ReceivedRequest } from '../helpers/receiver';

const ENV_KEYS = ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'AUTH_LOCAL', 'ADMIN_EMAILS', 'RESEND_API_KEY', 'RESEND_FROM', 'RESEND_BASE_URL', 'PUBLIC_BASE_URL'];
const PASSWORD = 'correct horse battery';

function post(path: string, body: unknown, headers: Record<string, string> = {}, ip = '203.0.113.40'): Request {
  return new Request(`http://127.0.0.1:3000${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...fromAddress(ip), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The token in the link of an email sent to `to`. */
function linkToken(email: ReceivedRequest, path: string): string {
  const body = JSON.parse(email.body) as { text: string; html: string };
  const match = new RegExp(`https://peerscope\\.test${path}\\?token=([A-Za-z0-9_-]{43})`).exec(body.text);
  assert.ok(match, `a ${path} link in: ${body.text}`);
  assert.ok(body.html.includes(match[0]), 'the same link in the html part');
  return match[1]!;
}

describe('local password reset and email verification (Resend, single-use hashed tokens)', () => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const saved: Record<string, string | undefined> = {};
  const emailsTo = (to: string) => receiver.requests.filter((request) => request.url === '/emails' && JSON.parse(request.body).to.includes(to));

  before(async () => {
    for (const key of ENV_KEYS) saved[key] = process.env[key];
    database = await openMigratedTestDatabase();
    receiver = await startReceiver();
    await closeSql();
    process.env.DATABASE_URL = database.url;
  });
  beforeEach(() => {
    for (const key of ENV_KEYS) delete process.env[key];
    Object.assign(process.env, { RESEND_API_KEY: 're_test_key', RESEND_FROM: 'Peerscope <accounts@peerscope.test>', RESEND_BASE_URL: receiver.url, PUBLIC_BASE_URL: 'https://peerscope.test' });
    signInLimiter.reset();
    accountEmailLimiter.reset();
  });
  after(async () => {
    for (const key of ENV_KEYS) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    await closeSql();
    await receiver.close();
    await database.close();
  });

  async function signUp(email: string) {
    const response = await signupRoute(post('/api/auth/signup', { email, password: PASSWORD }), {});
    assert.equal(response.status, 201);
    return (await response.json()) as { user: { id: string; email: string }; token: string };
  }

  it('answers the same for known and unknown addresses, and mails a link only to a real account', async () => {
    const account = await signUp('reset-me@example.com');
    const known = await resetRoute(post('/api/auth/reset-password', { email: 'Reset-Me@Example.com' }), {});
    const unknown = await resetRoute(post('/api/auth/reset-password', { email: 'nobody-here@example.com' }), {});
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    const [knownBody, unknownBody] = [await known.text(), await unknown.text()];
    assert.equal(knownBody, unknownBody, 'no account-existence leak in the body');
    assert.deepEqual([...known.headers.keys()].sort(), [...unknown.headers.keys()].sort(), 'nor in the headers');

    const [email] = await waitFor(() => (emailsTo('reset-me@example.com').some((request) => JSON.parse(request.body).subject.includes('Reset')) ? emailsTo('reset-me@example.com').filter((request) => JSON.parse(request.body).subject.includes('Reset')) : undefined), 'the reset email');
    assert.equal(email!.headers.authorization, 'Bearer re_test_key');
    const token = linkToken(email!, '/account/reset-password');
    await sleep(200);
    assert.equal(emailsTo('nobody-here@example.com').length, 0);

    const rows = await database.sql<{ token_hash: string; expires_at: Date; created_at: Date }[]>`
      select token_hash, expires_at, created_at from auth_email_tokens where user_id = ${account.user.id} and purpose = 'password_reset'`;
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(token), 'only the hash is stored');
    assert.match(rows[0]!.token_hash, /^[0-9a-f]{64}$/);
    assert.equal(Math.round((rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()) / 60_000), 30);
  });

  it('sets the new password once, ends every old session and signs the caller in', async () => {
    const account = await signUp('owner-reset@example.com');
    const oldSession = account.token;
    assert.equal((await resetRoute(post('/api/auth/reset-password', { email: 'owner-reset@example.com' }), {})).status, 200);
    const token = linkToken(await waitFor(() => emailsTo('owner-reset@example.com').find((request) => JSON.parse(request.body).subject.includes('Reset')), 'the reset email'), '/account/reset-password');

    const done = await resetConfirmRoute(post('/api/auth/reset-password/confirm', { token, password: 'a brand new passphrase' }), {});
    assert.equal(done.status, 200);
    const session = await done.json();
    assert.equal(session.user.email, 'owner-reset@example.com');
    assert.ok(session.user.email_verified_at, 'following the emailed link proves the address');
    assert.match(done.headers.get('set-cookie') ?? '', /^peerscope_session=/);

    assert.equal((await meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: { authorization: `Bearer ${oldSession}` } }), {})).status, 401, 'old sessions end');
    assert.equal((await meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: { authorization: `Bearer ${session.token}` } }), {})).status, 200);
    assert.equal((await signinRoute(post('/api/auth/signin', { email: 'owner-reset@example.com', password: PASSWORD }), {})).status, 401);
    assert.equal((await signinRoute(post('/api/auth/signin', { email: 'owner-reset@example.com', password: 'a brand new passphrase' }), {})).status, 200);

    const again = await resetConfirmRoute(post('/api/auth/reset-password/confirm', { token, password: 'yet another passphrase' }), {});
    assert.equal(again.status, 400, 'single use');
    assert.match((await again.json()).error, /Invalid or expired link/);
  });

  it('refuses expired, superseded, forged and malformed tokens with 4xx JSON', async () => {
    const account = await signUp('tokens@example.com');
    await resetRoute(post('/api/auth/reset-password', { email: 'tokens@example.com' }), {});
    const first = linkToken(await waitFor(() => emailsTo('tokens@example.com').find((request) => JSON.parse(request.body).subject.includes('Reset')), 'first email'), '/account/reset-password');
    await resetRoute(post('/api/auth/reset-password', { email: 'tokens@example.com' }), {});
    const second = linkToken(await waitFor(() => emailsTo('tokens@example.com').filter((request) => JSON.parse(request.body).subject.includes('Reset'))[1], 'second email'), '/account/reset-password');
    assert.notEqual(first, second);
    assert.equal((await resetConfirmRoute(post('/api/auth/reset-password/confirm', { token: first, password: 'new passphrase 1' }), {})).status, 400, 'a newer link voids the older one');

    await database.sql`update auth_email_tokens set expires_at = now() - interval '1 second' where user_id = ${account.user.id} and used_at is null`;
    assert.equal((await resetConfirmRoute(post('/api/auth/reset-password/confirm', { token: second, password: 'new passphrase 2' }), {})).status, 400, 'expired');

    const hostile: [unknown, number][] = [
      [{ token: 'A'.repeat(43), password: 'new passphrase 3' }, 400],
      [{ token: `${'A'.repeat(42)}\u0000`, password: 'new passphrase 3' }, 400],
      [{ token: 42, password: 'new passphrase 3' }, 400],
      [{ token: ['x'], password: 'new passphrase 3' }, 400],
      [{ token: second, password: 'short' }, 400],
      [{ token: second, password: 'x'.repeat(201) }, 400],
      [{ token: second, password: 'new passphrase 3', admin: true }, 400],
      [{ token: 'A'.repeat(10_000), password: 'new passphrase 3' }, 413],
      ['not json', 400],
    ];
    for (const [body, status] of hostile) {
      const response = await resetConfirmRoute(post('/api/auth/reset-password/confirm', body), {});
      assert.equal(response.status, status, JSON.stringify(body).slice(0, 80));
      const error = await response.json();
      assert.equal(typeof error.error, 'string');
      assert.equal(typeof error.details, 'string');
    }
    for (const body of [{ email: 'x'.repeat(300) + '@example.com' }, { email: 'a\u0000@example.com' }, { email: 7 }, { email: 'not-an-email' }, {}]) {
      assert.equal((await resetRoute(post('/api/auth/reset-password', body), {})).status, 400);
    }
    assert.equal((await resetRoute(post('/api/auth/reset-password', { email: 'tokens@example.com' }, { 'content-type': 'text/plain' }), {})).status, 415);
    assert.equal((await resetRoute(post('/api/auth/reset-password', { email: 'tokens@example.com' }, { origin: 'https://evil.example' }), {})).status, 403);
  });

  it('limits requests like sign-in and sends at most 5 emails per account per hour, still answering the same', async () => {
    await signUp('limited@example.com');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      statuses.push((await resetRoute(post('/api/auth/reset-password', { email: 'limited@example.com' }, {}, '203.0.113.41'), {})).status);
    }
    assert.deepEqual(statuses, Array(8).fill(200));
    await waitFor(() => (emailsTo('limited@example.com').filter((request) => JSON.parse(request.body).subject.includes('Reset')).length >= 5 ? true : undefined), 'five emails');
    await sleep(200);
    assert.equal(emailsTo('limited@example.com').filter((request) => JSON.parse(request.body).subject.includes('Reset')).length, 5);

    // Sign-in's per-address limit (50 per 15 minutes) is shared by sign-in and the reset routes.
    signInLimiter.reset();
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 60 && !limited; attempt++) {
      const response = await resetRoute(post('/api/auth/reset-password', { email: `probe${attempt}@example.com` }, {}, '203.0.113.42'), {});
      if (response.status === 429) limited = response;
      else assert.equal(response.status, 200);
    }
    assert.ok(limited, 'the address was limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await signinRoute(post('/api/auth/signin', { email: 'limited@example.com', password: PASSWORD }, {}, '203.0.113.42'), {})).status, 429, 'the same bucket as sign-in');
    assert.equal((await resetConfirmRoute(post('/api/auth/reset-password/confirm', { token: 'A'.repeat(43), password: 'whatever 12345' }, {}, '203.0.113.42'), {})).status, 429);
  });

  it('answers 503 when this deployment cannot send email, whatever the address', async () => {
    delete process.env.RESEND_API_KEY;
    await signUp('no-mail@example.com');
    for (const email of ['no-mail@example.com', 'nobody-else@example.com']) {
      const response = await resetRoute(post('/api/auth/reset-password', { email }), {});
      assert.equal(response.status, 503);
      assert.match((await response.json()).details, /RESEND_API_KEY/);
    }
  });

  it('verifies the address through the emailed link: sent at sign-up and on request, single use', async () => {
    const account = await signUp('verify-me@example.com');
    const signupMail = await waitFor(() => emailsTo('verify-me@example.com').find((request) => JSON.parse(request.body).subject.includes('Confirm')), 'the sign-up verification email');
    const firstToken = linkToken(signupMail, '/account/verify-email');
    const bearer = { authorization: `Bearer ${account.token}` };

    const resend = await verifyRoute(post('/api/auth/verify-email', {}, bearer), {});
    assert.equal(resend.status, 200);
    const secondToken = linkToken(await waitFor(() => emailsTo('verify-me@example.com').filter((request) => JSON.parse(request.body).subject.includes('Confirm'))[1], 'the second verification email'), '/account/verify-email');
    assert.equal((await verifyConfirmRoute(post('/api/auth/verify-email/confirm', { token: firstToken }), {})).status, 400, 'voided by the newer link');

    const confirmed = await verifyConfirmRoute(post('/api/auth/verify-email/confirm', { token: secondToken }), {});
    assert.equal(confirmed.status, 200);
    const body = await confirmed.json();
    assert.equal(body.email, 'verify-me@example.com');
    const me = await (await meRoute(new Request('http://127.0.0.1:3000/api/auth/me', { headers: bearer }), {})).json();
    assert.ok(me.user.email_verified_at);
    assert.equal((await verifyConfirmRoute(post('/api/auth/verify-email/confirm', { token: secondToken }), {})).status, 400, 'single use');
    assert.equal((await verifyRoute(post('/api/auth/verify-email', {}, bearer), {})).status, 409, 'already verified');
    assert.equal((await verifyRoute(post('/api/auth/verify-email', {}), {})).status, 401);
    assert.equal((await verifyRoute(post('/api/auth/verify-email', { email: 'other@example.com' }, bearer), {})).status, 400);
    for (const token of [null, 5, '', 'x'.repeat(43), `${'a'.repeat(42)}\u0000`]) {
      assert.equal((await verifyConfirmRoute(post('/api/auth/verify-email/confirm', { token }), {})).status, 400);
    }
  });

  it('does not mail a banned account, and limits verification requests per account', async () => {
    const banned = await signUp('banned-reset@example.com');
    await database.sql`update profiles set banned_at = now() where id = ${banned.user.id}`;
    assert.equal((await resetRoute(post('/api/auth/reset-password', { email: 'banned-reset@example.com' }), {})).status, 200);
    await sleep(300);
    assert.equal(emailsTo('banned-reset@example.com').filter((request) => JSON.parse(request.body).subject.includes('Reset')).length, 0);

    const busy = await signUp('busy@example.com');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await verifyRoute(post('/api/auth/verify-email', {}, { authorization: `Bearer ${busy.token}` }), {})).status);
    }
    // The sign-up email counts: 4 more requests pass, then 429.
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
  });
});
