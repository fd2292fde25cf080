import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { processAvatar } from '../../lib/profiles/avatar-image';
import { avatarResponse } from '../../lib/profiles/avatar-serve';
import { avatarStorageConfig, loadAvatarBytes, storeAvatar } from '../../lib/profiles/avatar-store';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { createTestUser } from '../helpers/accounts';

/** A loopback stand-in for Supabase Storage's object API (upload and download by path). */
async function startFakeStorage() {
  const objects = new Map<string, Buffer>();
  const seen: { method: string; url: string; authorization?: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
      const match = /^\/storage\/v1\/object\/(.+)$/.exec(request.url ?? '');
      if (!match) return void response.writeHead(404).end();
      if (request.method === 'POST' || request.method === 'PUT') {
        objects.set(match[1]!, Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Key: match[1], Id: 'x' }));
      } else if (request.method === 'GET' && objects.has(match[1]!)) {
        response.writeHead(200, { 'content-type': 'image/png' }).end(objects.get(match[1]!));
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: '404', error: 'not_found', message: 'Object not found' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    objects,
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('avatar storage backends', () => {
  let database: TestDatabase;
  let storage: Awaited<ReturnType<typeof startFakeStorage>>;
  before(async () => {
    database = await openMigratedTestDatabase();
    storage = await startFakeStorage();
  });
  after(async () => {
    await storage.close();
    await database.close();
  });

  it('needs the service key for Supabase Storage, and defaults to the database', () => {
    assert.equal(avatarStorageConfig({}).backend, 'database');
    assert.throws(() => avatarStorageConfig({ AVATAR_STORAGE: 'supabase', SUPABASE_URL: storage.url }), /SUPABASE_SERVICE_ROLE_KEY/);
  });

  it('keeps the image in Supabase Storage when configured and still serves it from our origin', async () => {
    const user = await createTestUser(database.sql, 'storage@example.com');
    const env = { AVATAR_STORAGE: 'supabase', SUPABASE_URL: storage.url, SUPABASE_SERVICE_ROLE_KEY: 'service-role-key', AVATAR_STORAGE_BUCKET: 'operator-avatars' };
    const config = avatarStorageConfig(env);
    const processed = await processAvatar(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } }).png().toBuffer());
    const stored = await storeAvatar(database.sql, processed, user.id, config);
    assert.equal(stored.sha256, processed.sha256);
    const [row] = await database.sql<{ bytes: Buffer | null; storage_path: string | null }[]>`select bytes, storage_path from profile_avatars where id = ${stored.id}`;
    assert.equal(row!.bytes, null, 'no bytes in the database');
    assert.equal(row!.storage_path, `avatars/${processed.sha256}.png`);
    assert.ok(storage.objects.get(`operator-avatars/avatars/${processed.sha256}.png`)?.equals(processed.png));
    assert.equal(storage.seen[0]!.authorization, 'Bearer service-role-key');
    assert.ok((await loadAvatarBytes(row!, config))?.equals(processed.png));

    // Served through GET /api/avatars/{file} once live, with the same strict headers.
    const node = await database.sql<{ id: string }[]>`insert into nodes (ip, port) values ('9.9.9.9', 8333) returning id`;
    await database.sql`insert into node_profiles (node_id, avatar_id) values (${node[0]!.id}, ${stored.id})`;
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const response = await avatarResponse(database.sql, `${processed.sha256}.png`, async () => null);
      assert.equal(response.headers.get('content-type'), 'image/png');
      assert.ok(Buffer.from(await response.arrayBuffer()).equals(processed.png));
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    }
  });
});
