import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bech32 } from '@scure/base';
import sharp from 'sharp';
import { GET as ownerGet, PUT as ownerPut } from '../../app/api/my-nodes/[id]/profile/route';
import { DELETE as avatarDelete, POST as avatarPost } from '../../app/api/my-nodes/[id]/profile/avatar/route';
import { GET as myNodesRoute } from '../../app/api/my-nodes/route';
import { GET as publicProfileRoute } from '../../app/api/nodes/[id]/profile/route';
import { GET as profilesRoute } from '../../app/api/profiles/route';
import { GET as avatarRoute } from '../../app/api/avatars/[file]/route';
import { GET as queueRoute, POST as moderationRoute } from '../../app/api/admin/moderation/route';
import { createApiKey } from '../../lib/keys/manage';
import { getNodeClusters } from '../../lib/dashboard/map-clusters';
import { profileLimits } from '../../lib/profiles/limits';
import { liveProfilesByAddress, liveProfilesFor } from '../../lib/profiles/service';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser, insertNode, params } from '../helpers/accounts';
import { fromAddress, freshIp, releaseRoutes, useDatabaseForRoutes } from '../helpers/api';
import { assertMatchesContract, specExample } from '../helpers/contract';

const NPUB = bech32.encode('npub', bech32.toWords(new Uint8Array(32).fill(7)), 90);

async function png(width = 300, height = 200, colour = '#3366cc'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

function put(nodeId: string, token: string, body: unknown): Promise<Response> {
  return ownerPut(authed(`/api/my-nodes/${nodeId}/profile`, token, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) }), params({ id: nodeId }));
}

function upload(nodeId: string, token: string, image: string | Buffer | unknown): Promise<Response> {
  const body = Buffer.isBuffer(image) ? JSON.stringify({ image: image.toString('base64') }) : typeof image === 'string' ? image : JSON.stringify(image);
  return avatarPost(authed(`/api/my-nodes/${nodeId}/profile/avatar`, token, { method: 'POST', body }), params({ id: nodeId }));
}

const anonymous = (path: string, headers: Record<string, string> = {}) => new Request(`http://127.0.0.1:3000${path}`, { headers: { ...fromAddress(freshIp()), ...headers } });

async function expectError(response: Response, status: number, pattern?: RegExp) {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const body = await response.json();
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.details, 'string');
  if (pattern) assert.match(`${body.error} ${body.details}`, pattern);
}

describe('operator profiles: owner edits, moderation, public reads', () => {
  let database: TestDatabase;
  let owner: { id: string; token: string };
  let stranger: { id: string; token: string };
  let admin: { id: string; token: string };
  let nodeId: string;

  before(async () => {
    database = await openMigratedTestDatabase();
    await useDatabaseForRoutes(database.url);
    owner = await createTestUser(database.sql, 'operator@example.com');
    stranger = await createTestUser(database.sql, 'stranger@example.com');
    admin = await createTestUser(database.sql, 'moderator@example.com', 'admin');
    nodeId = await insertNode(database.sql, { ip: '7.7.7.7', tier: 'gold' });
    await database.sql`update nodes set verified = true, verified_at = now(), rank = 1, pix_score = 900 where id = ${nodeId}`;
    await database.sql`insert into user_nodes (user_id, node_id) values (${owner.id}, ${nodeId})`;
    await database.sql`insert into verifications (node_id, user_id, method, challenge, status) values (${nodeId}, ${owner.id}, 'user_agent', 'peerscope-x', 'verified')`;
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  async function queue(type?: string) {
    const response = await queueRoute(authed(`/api/admin/moderation${type ? `?type=${type}` : ''}`, admin.token), {});
    assert.equal(response.status, 200);
    return (await response.json()) as { items: Record<string, any>[]; pagination: { total: number } };
  }

  async function review(itemId: string, action: string, notes?: string) {
    return moderationRoute(authed('/api/admin/moderation', admin.token, { method: 'POST', body: JSON.stringify({ itemId, action, ...(notes ? { notes } : {}) }) }), {});
  }

  it('only the verified owner may edit: strangers, unverified and unregistered nodes are refused', async () => {
    await expectError(await put(nodeId, stranger.token, { displayName: 'Mine now' }), 403);
    const unverified = await insertNode(database.sql, { ip: '7.7.7.8' });
    await database.sql`insert into user_nodes (user_id, node_id) values (${owner.id}, ${unverified})`;
    await expectError(await put(unverified, owner.token, { displayName: 'x' }), 403, /verif/);
    // A node verified by someone else's proof does not make the owner's registration an ownership.
    await database.sql`update nodes set verified = true where id = ${unverified}`;
    await expectError(await put(unverified, owner.token, { displayName: 'x' }), 403);
    await expectError(await put('999999', owner.token, { displayName: 'x' }), 404);
    await expectError(await put('abc', owner.token, { displayName: 'x' }), 404);
    await expectError(await ownerPut(new Request(`http://127.0.0.1:3000/api/my-nodes/${nodeId}/profile`, { method: 'PUT', body: '{}' }), params({ id: nodeId })), 401);
  });

  it('refuses hostile and malformed fields with 4xx JSON', async () => {
    const cases: [unknown, number, RegExp?][] = [
      [{ displayName: 'x'.repeat(100_000) }, 413],
      [{ displayName: 'x'.repeat(51) }, 400, /displayName/],
      [{ displayName: 'evil\u0000name' }, 400, /NUL/],
      [{ displayName: 'admin\u202Egnp.exe' }, 400, /displayName/],
      [{ displayName: 42 }, 400, /displayName/],
      [{ displayName: ['a'] }, 400],
      [{ description: 'line\u0007bell' }, 400, /description/],
      [{ website: 'javascript:alert(1)' }, 400, /website/],
      [{ website: 'JaVaScRiPt://%0aalert(1)' }, 400, /website/],
      [{ website: 'http://example.com' }, 400, /https/],
      [{ website: 'https://user:pw@example.com' }, 400, /website/],
      [{ website: 'https://127.0.0.1/' }, 400, /domain/],
      [{ website: 'https://example.com/"><script>' }, 400, /website/],
      [{ website: 'data:text/html,<script>alert(1)</script>' }, 400],
      [{ x: 'way_too_long_handle_here' }, 400, /X handle/],
      [{ github: '-bad-' }, 400, /GitHub/],
      [{ telegram: 'ab' }, 400, /Telegram/],
      [{ discord: 'https://evil.example/invite/abc' }, 400, /Discord/],
      [{ nostr: `${NPUB.slice(0, -1)}${NPUB.endsWith('q') ? 'p' : 'q'}` }, 400, /nostr/],
      [{ nostr: 'npub1notakey' }, 400, /nostr/],
      [{ unknownField: 'x' }, 400],
      ['{"displayName":', 400, /JSON/],
      ['[]', 400],
    ];
    for (const [body, status, pattern] of cases) {
      await expectError(await put(nodeId, owner.token, body), status, pattern);
    }
    assert.equal((await queue()).pagination.total, 0, 'nothing was queued');
  });

  it('queues a change; the live profile appears only once a moderator approves it', async () => {
    const submitted = await put(nodeId, owner.token, {
      displayName: '  Satoshi’s Node  ',
      description: 'Runs since 2013.\nFiber, 1 Gbit/s.',
      website: 'https://example.org/node',
      x: '@peerscope_ops',
      github: 'https://github.com/bitcoin',
      discord: 'https://discord.gg/abc123',
      telegram: 't.me/peerscope',
      nostr: NPUB,
    });
    assert.equal(submitted.status, 202, await submitted.clone().text());
    const { change } = await submitted.json();
    assert.equal(change.status, 'needs_review');
    assert.equal(change.fields.displayName, 'Satoshi’s Node');
    assert.equal(change.fields.x, 'peerscope_ops');
    assert.equal(change.fields.github, 'bitcoin');
    assert.equal(change.fields.discord, 'invite:abc123');
    assert.equal(change.fields.telegram, 'peerscope');

    // Not live yet: the public read and the read:profiles list do not show it.
    await expectError(await publicProfileRoute(anonymous(`/api/nodes/${nodeId}/profile`), params({ id: nodeId })), 404);
    assert.equal((await (await profilesRoute(anonymous('/api/profiles'))).json()).profiles.length, 0);

    const listed = await queue('profile');
    // The spec's moderation item shape; profile items add profile_info and have no verification.
    assertMatchesContract(specExample('admin-moderation.response'), listed, { extensible: ['items[]'], nullable: ['items[].verification_info', 'items[].node_info.country_name'] }, 'moderation queue with a profile item');
    const { items } = listed;
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item!.item_type, 'profile');
    assert.equal(item!.item_id, change.id);
    assert.equal(item!.user_email, 'operator@example.com');
    assert.equal(item!.status, 'needs_review');
    assert.deepEqual(item!.node_info, { ip: '7.7.7.7', port: 8333, country_name: null });
    assert.equal(item!.profile_info.displayName, 'Satoshi’s Node');
    assert.equal(item!.profile_info.current, null);
    assert.equal((await queue('verification')).items.length, 0, 'type narrows the queue');

    const approved = await review(change.id, 'approve');
    assert.equal(approved.status, 200);
    assert.equal((await approved.json()).item.status, 'approved');
    await expectError(await review(change.id, 'approve'), 409);

    const live = await publicProfileRoute(anonymous(`/api/nodes/${nodeId}/profile`), params({ id: nodeId }));
    assert.equal(live.status, 200);
    const { profile } = await live.json();
    assert.equal(profile.displayName, 'Satoshi’s Node');
    assert.equal(profile.website, 'https://example.org/node');
    assert.deepEqual(
      profile.links.map((link: { href: string | null }) => link.href),
      ['https://example.org/node', 'https://x.com/peerscope_ops', 'https://github.com/bitcoin', 'https://discord.gg/abc123', 'https://t.me/peerscope', `https://njump.me/${NPUB}`],
    );
    for (const link of profile.links) assert.match(link.href, /^https:\/\//);
    // By ip-port too, and in the spec's my-nodes shape.
    assert.equal((await publicProfileRoute(anonymous('/api/nodes/7.7.7.7-8333/profile'), params({ id: '7.7.7.7-8333' }))).status, 200);
    const mine = await (await myNodesRoute(authed('/api/my-nodes', owner.token), {})).json();
    assert.equal(mine.nodes.find((node: { id: string }) => node.id === nodeId).displayName, 'Satoshi’s Node');
    const [audit] = await database.sql`select action from admin_audit_log where target_id = ${change.id}`;
    assert.equal(audit!.action, 'profile.approve');
  });

  it('keeps the approved profile live while a newer change waits, and after it is rejected', async () => {
    const first = await (await put(nodeId, owner.token, { displayName: 'Spam Casino', website: 'https://example.org/node' })).json();
    const second = await put(nodeId, owner.token, { displayName: 'Totally Legit Casino', website: 'https://example.org/node' });
    assert.equal(second.status, 202);
    const { change } = await second.json();
    const [superseded] = await database.sql`select status from node_profile_changes where id = ${first.change.id}`;
    assert.equal(superseded!.status, 'superseded', 'a newer submission replaces the waiting one');
    assert.equal((await queue('profile')).items.length, 1);
    assert.equal((await queue('profile')).items[0]!.profile_info.current.displayName, 'Satoshi’s Node');

    const profiles = await liveProfilesFor(database.sql, [nodeId]);
    assert.equal(profiles.get(nodeId)?.displayName, 'Satoshi’s Node', 'still the approved one');

    assert.equal((await review(change.id, 'flag', 'looks like spam')).status, 200);
    assert.equal((await queue('profile')).items[0]!.flagged, true);
    assert.equal((await review(change.id, 'reject', 'No gambling ads.')).status, 200);
    assert.equal((await liveProfilesFor(database.sql, [nodeId])).get(nodeId)?.displayName, 'Satoshi’s Node');

    const view = await (await ownerGet(authed(`/api/my-nodes/${nodeId}/profile`, owner.token), params({ id: nodeId }))).json();
    assert.equal(view.profile.displayName, 'Satoshi’s Node');
    assert.equal(view.pending.profile, null);
    assert.equal(view.recent[0].status, 'rejected');
    assert.equal(view.recent[0].reason, 'No gambling ads.');
    await expectError(await ownerGet(authed(`/api/my-nodes/${nodeId}/profile`, stranger.token), params({ id: nodeId })), 403);

    // Submitting the live profile again is a no-op conflict.
    const same = view.profile;
    await expectError(await put(nodeId, owner.token, { displayName: same.displayName, description: same.description, website: same.website, x: same.x, github: same.github, discord: same.discord, telegram: same.telegram, nostr: same.nostr }), 409);
  });

  it('refuses uploads that are not images, lie about their type, are too big, or decode to too many pixels', async () => {
    await expectError(await upload(nodeId, owner.token, Buffer.from('<html><script>alert(1)</script></html>')), 415);
    await expectError(await upload(nodeId, owner.token, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), 415);
    await expectError(await upload(nodeId, owner.token, { image: `data:image/png;base64,${Buffer.from('%PDF-1.7 not an image').toString('base64')}` }), 415);
    // PNG magic bytes followed by HTML: the decoder refuses it.
    const fakePng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<script>alert(1)</script>')]);
    await expectError(await upload(nodeId, owner.token, fakePng), 422);
    // A GIF header on PNG data: the magic bytes and the decoder disagree.
    const real = await png();
    await expectError(await upload(nodeId, owner.token, Buffer.concat([Buffer.from('GIF89a'), real.subarray(6)])), 422);
    await expectError(await upload(nodeId, owner.token, { image: '' }), 400);
    await expectError(await upload(nodeId, owner.token, { image: 'not base64 at all!' }), 400);
    await expectError(await upload(nodeId, owner.token, { image: 12345 }), 400);
    await expectError(await upload(nodeId, owner.token, { image: real.toString('base64'), extra: 1 }), 400);
    await expectError(await upload(nodeId, owner.token, { image: 'A\u0000AA' }), 400, /NUL/);
    // Over 2 MiB decoded (incompressible bytes after a PNG signature).
    const big = Buffer.concat([real.subarray(0, 8), Buffer.alloc(2 * 1024 * 1024 + 10, 0x41)]);
    await expectError(await upload(nodeId, owner.token, big), 413);
    // A body far past the limit is refused before it is parsed.
    await expectError(await upload(nodeId, owner.token, JSON.stringify({ image: 'A'.repeat(4 * 1024 * 1024) })), 413);
    // A small file that decodes to more than 25 megapixels.
    const bomb = await sharp({ create: { width: 5200, height: 5000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
    assert.ok(bomb.byteLength < 2 * 1024 * 1024);
    await expectError(await upload(nodeId, owner.token, bomb), 413, /megapixels/);
    await expectError(await upload(nodeId, stranger.token, real), 403);
    assert.equal((await queue('avatar')).items.length, 0);
  });

  it('re-encodes an image carrying a script payload and metadata into a clean PNG, served safely once approved', async () => {
    // A real JPEG with an EXIF description holding a script, then HTML appended after the image data (a polyglot).
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#aa3300' } })
      .jpeg()
      .withExif({ IFD0: { ImageDescription: '<script>alert("exif")</script>', Copyright: 'payload' } })
      .toBuffer();
    assert.ok(jpeg.includes('<script>alert("exif")'));
    const polyglot = Buffer.concat([jpeg, Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]);
    const response = await upload(nodeId, owner.token, { image: `data:text/html;base64,${polyglot.toString('base64')}` });
    assert.equal(response.status, 202, await response.clone().text());
    const { change } = await response.json();
    assert.equal(change.kind, 'avatar');
    assert.match(change.avatarUrl, /^\/api\/avatars\/[0-9a-f]{64}\.png$/);

    const [stored] = await database.sql<{ bytes: Buffer; width: number; height: number }[]>`
      select a.bytes, a.width, a.height from profile_avatars a join node_profile_changes c on c.avatar_id = a.id where c.id = ${change.id}`;
    assert.deepEqual([stored!.width, stored!.height], [256, 256]);
    assert.ok(stored!.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
    assert.ok(!stored!.bytes.includes('script'), 'no script text survives');
    assert.ok(!stored!.bytes.includes('payload'), 'no metadata survives');
    assert.ok(!stored!.bytes.includes('<html'), 'no trailing payload survives');
    const metadata = await sharp(stored!.bytes).metadata();
    assert.equal(metadata.format, 'png');
    assert.equal(metadata.exif, undefined);
    // IEND is the last chunk: nothing after the image.
    assert.ok(stored!.bytes.subarray(-8, -4).equals(Buffer.from('IEND')));

    const file = change.avatarUrl.split('/').at(-1);
    // Waiting for moderation: only the uploader and admins see it, never cached.
    await expectError(await avatarRoute(anonymous(change.avatarUrl), params({ file })), 404);
    await expectError(await avatarRoute(authed(change.avatarUrl, stranger.token), params({ file })), 404);
    const ownView = await avatarRoute(authed(change.avatarUrl, owner.token), params({ file }));
    assert.equal(ownView.status, 200);
    assert.equal(ownView.headers.get('cache-control'), 'private, no-store');
    assert.equal((await avatarRoute(authed(change.avatarUrl, admin.token), params({ file }))).status, 200);

    const [item] = (await queue('avatar')).items;
    assert.equal(item!.item_type, 'avatar');
    assert.equal(item!.avatar_info.avatarUrl, change.avatarUrl);
    assert.equal(item!.avatar_info.currentAvatarUrl, null);
    assert.equal((await review(change.id, 'approve')).status, 200);

    const served = await avatarRoute(anonymous(change.avatarUrl), params({ file }));
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(served.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(served.headers.get('content-security-policy') ?? '', /default-src 'none'; sandbox/);
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(stored!.bytes));
    const { profile } = await (await publicProfileRoute(anonymous(`/api/nodes/${nodeId}/profile`), params({ id: nodeId }))).json();
    assert.equal(profile.avatarUrl, change.avatarUrl);
    assert.equal(profile.displayName, 'Satoshi’s Node', 'the avatar change left the text alone');

    for (const bad of ['x.png', `${'0'.repeat(64)}.png`, `${file}.svg`, `../${file}`, `${file}\u0000`]) {
      await expectError(await avatarRoute(anonymous('/api/avatars/x'), params({ file: bad })), 404);
    }
  });

  it('a removal is moderated too; a rejected avatar never goes live', async () => {
    const other = await upload(nodeId, owner.token, await png(100, 100, '#00ff00'));
    const { change } = await other.json();
    assert.equal((await review(change.id, 'reject', 'Not a logo.')).status, 200);
    const file = change.avatarUrl.split('/').at(-1);
    await expectError(await avatarRoute(anonymous(change.avatarUrl), params({ file })), 404);
    const { profile } = await (await publicProfileRoute(anonymous(`/api/nodes/${nodeId}/profile`), params({ id: nodeId }))).json();
    assert.notEqual(profile.avatarUrl, change.avatarUrl);

    const removal = await avatarDelete(authed(`/api/my-nodes/${nodeId}/profile/avatar`, owner.token, { method: 'DELETE' }), params({ id: nodeId }));
    assert.equal(removal.status, 202);
    const removalChange = (await removal.json()).change;
    assert.equal((await queue('avatar')).items[0]!.avatar_info.remove, true);
    assert.ok((await liveProfilesFor(database.sql, [nodeId])).get(nodeId)?.avatarUrl, 'still live until approved');
    assert.equal((await review(removalChange.id, 'approve')).status, 200);
    assert.equal((await liveProfilesFor(database.sql, [nodeId])).get(nodeId)?.avatarUrl, null);
    await expectError(await avatarDelete(authed(`/api/my-nodes/${nodeId}/profile/avatar`, owner.token, { method: 'DELETE' }), params({ id: nodeId })), 409);
  });

  it('limits submissions per user and prunes avatars nobody uses a week later', async () => {
    for (let i = 0; i < 30; i++) profileLimits.avatarUploads.hit(owner.id);
    const limited = await upload(nodeId, owner.token, await png());
    await expectError(limited, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    profileLimits.reset();

    const [{ count: before } = { count: 0 }] = await database.sql<{ count: number }[]>`select count(*)::int as count from profile_avatars`;
    assert.ok(before >= 2);
    await database.sql`update profile_avatars set created_at = now() - interval '8 days'`;
    const { change } = await (await upload(nodeId, owner.token, await png(90, 90, '#ff00ff'))).json();
    assert.equal((await review(change.id, 'reject', 'No.')).status, 200);
    const left = await database.sql<{ id: string }[]>`select id from profile_avatars`;
    assert.equal(left.length, 1, 'only the fresh, just-rejected avatar is kept (for a week)');
    const [fresh] = await database.sql<{ id: string }[]>`select avatar_id as id from node_profile_changes where id = ${change.id}`;
    assert.equal(left[0]!.id, fresh!.id);
  });

  it('gives the leaderboard (by address) and the map clusters the approved name only', async () => {
    await database.sql`update nodes set latitude = 52.5, longitude = 13.4, country = 'DE', country_name = 'Germany' where id = ${nodeId}`;
    const other = await insertNode(database.sql, { ip: '2001:db8:77::1', port: 8333 });
    await database.sql`update nodes set latitude = 52.6, longitude = 13.5, country = 'DE' where id = ${other}`;
    const byAddress = await liveProfilesByAddress(database.sql, ['7.7.7.7:8333', '[2001:db8:77::1]:8333', 'garbage']);
    assert.deepEqual([...byAddress.keys()], ['7.7.7.7:8333']);
    assert.equal(byAddress.get('7.7.7.7:8333')!.displayName, 'Satoshi’s Node');
    const clusters = await getNodeClusters(database.sql);
    const berlin = clusters.find((cluster) => cluster.country === 'DE')!;
    assert.equal(berlin.count, 2);
    assert.deepEqual(berlin.operators, ['Satoshi’s Node'], 'the rejected "Casino" name never shows');
    assert.equal(berlin.operatorCount, 1);
  });

  it('read:profiles keys read profiles; other keys get 403; hidden nodes are left out', async () => {
    const profilesKey = await createApiKey(database.sql, stranger.id, { name: 'profiles', scopes: ['read:profiles'] });
    const nodesKey = await createApiKey(database.sql, stranger.id, { name: 'nodes', scopes: ['read:nodes'] });
    const withKey = (key: string) => anonymous('/api/profiles', { authorization: `Bearer ${key}` });
    const ok = await profilesRoute(withKey(profilesKey.rawKey));
    assert.equal(ok.status, 200);
    const list = await ok.json();
    assert.equal(list.profiles.length, 1);
    assert.equal(list.profiles[0].nodeId, nodeId);
    assert.equal(list.profiles[0].ip, '7.7.7.7');
    assert.deepEqual(list.pagination, { page: 1, limit: 100, total: 1, total_pages: 1 });
    await expectError(await profilesRoute(withKey(nodesKey.rawKey)), 403, /read:profiles/);
    await expectError(await publicProfileRoute(anonymous(`/api/nodes/${nodeId}/profile`, { authorization: `Bearer ${nodesKey.rawKey}` }), params({ id: nodeId })), 403);
    await expectError(await profilesRoute(anonymous('/api/profiles?limit=501')), 400);
    await expectError(await profilesRoute(anonymous('/api/profiles?page=%00')), 400);

    await database.sql`update nodes set hidden = true where id = ${nodeId}`;
    try {
      assert.equal((await (await profilesRoute(withKey(profilesKey.rawKey))).json()).profiles.length, 0);
      await expectError(await publicProfileRoute(anonymous(`/api/nodes/${nodeId}/profile`), params({ id: nodeId })), 404);
    } finally {
      await database.sql`update nodes set hidden = false where id = ${nodeId}`;
    }
  });
});
