import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SignJWT } from 'jose';

interface FakeUser {
  id: string;
  email: string;
  password: string;
  confirmed: boolean;
}

export interface FakeSupabaseAuth {
  url: string;
  jwtSecret: string;
  /** Requests seen, as "METHOD /path?query". */
  calls: string[];
  /** token_hash values of emails "sent", by email address, newest last. */
  mailbox: Map<string, { type: 'signup' | 'recovery'; tokenHash: string }[]>;
  users: Map<string, FakeUser>;
  revokedRefreshTokens: Set<string>;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Supabase Auth (GoTrue) answering the endpoints supabase-js calls for sign-up, password
 * sign-in, sign-out, password recovery, OTP verification and user updates, with HS256 access tokens signed with
 * `jwtSecret` (audience "authenticated", issuer <url>/auth/v1) like a real project.
 */
export async function startFakeSupabaseAuth(options: { autoconfirm?: boolean; anonKey: string }): Promise<FakeSupabaseAuth> {
  const jwtSecret = randomBytes(32).toString('hex');
  const calls: string[] = [];
  const mailbox = new Map<string, { type: 'signup' | 'recovery'; tokenHash: string }[]>();
  const users = new Map<string, FakeUser>();
  const refreshTokens = new Map<string, string>();
  const revokedRefreshTokens = new Set<string>();
  const pendingTokens = new Map<string, { email: string; type: 'signup' | 'recovery' }>();
  let url = '';

  const userJson = (user: FakeUser) => ({
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email,
    email_confirmed_at: user.confirmed ? new Date().toISOString() : null,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    identities: [],
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
  });
  const sessionJson = async (user: FakeUser) => {
    const expiresIn = 3600;
    const accessToken = await new SignJWT({ email: user.email, role: 'authenticated', session_id: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setAudience('authenticated')
      .setIssuer(`${url}/auth/v1`)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(new TextEncoder().encode(jwtSecret));
    const refreshToken = randomBytes(12).toString('hex');
    refreshTokens.set(refreshToken, user.email);
    return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn, expires_at: Math.floor(Date.now() / 1000) + expiresIn, refresh_token: refreshToken, user: userJson(user) };
  };
  const send = (response: ServerResponse, status: number, body?: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (response: ServerResponse, status: number, code: string, msg: string) => send(response, status, { code: status, error_code: code, msg });
  const mail = (email: string, type: 'signup' | 'recovery') => {
    const tokenHash = randomBytes(16).toString('hex');
    pendingTokens.set(tokenHash, { email, type });
    mailbox.set(email, [...(mailbox.get(email) ?? []), { type, tokenHash }]);
  };
  const bearerUser = async (request: IncomingMessage): Promise<FakeUser | undefined> => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { jwtVerify } = await import('jose');
      const { payload } = await jwtVerify(token, new TextEncoder().encode(jwtSecret));
      return [...users.values()].find((user) => user.id === payload.sub);
    } catch {
      return undefined;
    }
  };

  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', async () => {
      const target = new URL(request.url ?? '/', 'http://fake');
      calls.push(`${request.method} ${target.pathname}${target.search}`);
      if (request.headers.apikey !== options.anonKey) return error(response, 401, 'no_api_key', 'No API key found in request');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const route = `${request.method} ${target.pathname}`;
      if (route === 'POST /auth/v1/signup') {
        const email = String(body.email).toLowerCase();
        if (users.has(email)) return error(response, 422, 'user_already_exists', 'User already registered');
        const user: FakeUser = { id: randomUUID(), email, password: String(body.password), confirmed: Boolean(options.autoconfirm) };
        users.set(email, user);
        if (options.autoconfirm) return send(response, 200, await sessionJson(user));
        mail(email, 'signup');
        return send(response, 200, userJson(user));
      }
      if (route === 'POST /auth/v1/token' && target.searchParams.get('grant_type') === 'password') {
        const user = users.get(String(body.email).toLowerCase());
        if (!user || user.password !== body.password) return error(response, 400, 'invalid_credentials', 'Invalid login credentials');
        if (!user.confirmed) return error(response, 400, 'email_not_confirmed', 'Email not confirmed');
        return send(response, 200, await sessionJson(user));
      }
      if (route === 'POST /auth/v1/logout') {
        if (!(await bearerUser(request))) return error(response, 401, 'bad_jwt', 'invalid JWT');
        for (const [token, email] of refreshTokens) if (email) revokedRefreshTokens.add(token);
        return send(response, 204);
      }
      if (route === 'POST /auth/v1/recover') {
        const email = String(body.email).toLowerCase();
        if (users.has(email)) mail(email, 'recovery');
        return send(response, 200, {});
      }
      if (route === 'POST /auth/v1/verify') {
        const pending = pendingTokens.get(String(body.token_hash));
        if (!pending || (pending.type === 'recovery') !== (body.type === 'recovery')) return error(response, 403, 'otp_expired', 'Token has expired or is invalid');
        pendingTokens.delete(String(body.token_hash));
        const user = users.get(pending.email)!;
        user.confirmed = true;
        return send(response, 200, await sessionJson(user));
      }
      if (route === 'PUT /auth/v1/user') {
        const user = await bearerUser(request);
        if (!user) return error(response, 401, 'bad_jwt', 'invalid JWT');
        if (typeof body.password === 'string') user.password = body.password;
        return send(response, 200, userJson(user));
      }
      if (route === 'GET /auth/v1/user') {
        const user = await bearerUser(request);
        return user ? send(response, 200, userJson(user)) : error(response, 401, 'bad_jwt', 'invalid JWT');
      }
      return error(response, 404, 'not_found', `no route ${route}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    jwtSecret,
    calls,
    mailbox,
    users,
    revokedRefreshTokens,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
