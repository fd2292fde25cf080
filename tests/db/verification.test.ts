import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as secp from '@noble/secp256k1';
import { closeSql } from '../../lib/db/client';
import { MESSAGE_CHAINS, p2pkhAddress, signMessage } from '../../lib/verification/signed-message';
import { checkVerification, signMessageText, startVerification } from '../../lib/verification/service';
import type { DnsSeam } from '../../lib/verification/methods';
import { POST as startRoute } from '../../app/api/verification/route';
import { POST as checkRoute } from '../../app/api/verification/[id]/check/route';
import { GET as queueRoute, POST as moderationRoute } from '../../app/api/admin/moderation/route';
import { POST as decideRoute } from '../../app/api/admin/moderation/[id]/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser, insertNode, params } from '../helpers/accounts';

async function setReview(database: TestDatabase, value: boolean) {
  await database.sql`insert into app_settings (key, value) values ('verification.require_review', ${JSON.stringify(value)}::text::jsonb)
    on conflict (key) do update set value = excluded.value`;
}

describe('node verification', () => {
  let database: TestDatabase;
  let owner: { id: string; token: string };
  let admin: { id: string; token: string };
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
    owner = await createTestUser(database.sql, 'owner@example.com');
    admin = await createTestUser(database.sql, 'admin@example.com', 'admin');
  });
  after(async () => {
    await closeSql();
    await database.close();
  });

  async function ownedNode(ip: string, extra: { user_agent?: string } = {}) {
    const id = await insertNode(database.sql, { ip, ...extra });
    await database.sql`insert into user_nodes (user_id, node_id) values (${owner.id}, ${id})`;
    return id;
  }

  it('verifies through the user agent and sets nodes.verified', async () => {
    await setReview(database, false);
    const nodeId = await ownedNode('5.5.5.5');
    const start = await startRoute(authed('/api/verification', owner.token, { method: 'POST', body: JSON.stringify({ node_id: nodeId, method: 'user_agent' }) }), {});
    assert.equal(start.status, 201);
    const { verification } = await start.json();
    assert.match(verification.challenge, /^peerscope-[0-9a-f]{16}$/);
    assert.match(verification.instructions.how, /uacomment/);

    const early = await checkRoute(authed('/x', owner.token, { method: 'POST', body: '{}' }), params({ id: verification.id }));
    assert.equal(early.status, 422);

    await database.sql`update nodes set user_agent = ${`/Satoshi:27.0.0(${verification.challenge})/`} where id = ${nodeId}`;
    const done = await checkRoute(authed('/x', owner.token, { method: 'POST', body: '{}' }), params({ id: verification.id }));
    assert.equal(done.status, 200);
    assert.equal((await done.json()).verification.status, 'verified');
    const [node] = await database.sql`select verified, verified_at from nodes where id = ${nodeId}`;
    assert.equal(node!.verified, true);
    assert.ok(node!.verified_at);

    const again = await checkRoute(authed('/x', owner.token, { method: 'POST', body: '{}' }), params({ id: verification.id }));
    assert.equal(again.status, 409);
  });

  it('takes node_id as a string or a number and limits checks per user', async () => {
    const checker = await createTestUser(database.sql, 'checker@example.com');
    const nodeId = await insertNode(database.sql, { ip: '5.5.5.60' });
    await database.sql`insert into user_nodes (user_id, node_id) values (${checker.id}, ${nodeId})`;
    const asString = await startRoute(authed('/api/verification', checker.token, { method: 'POST', body: JSON.stringify({ node_id: String(nodeId), method: 'user_agent' }) }), {});
    assert.equal(asString.status, 201, 'ids come back as strings and are accepted as such');
    const bad = await startRoute(authed('/api/verification', checker.token, { method: 'POST', body: JSON.stringify({ node_id: 'node-1', method: 'user_agent' }) }), {});
    assert.equal(bad.status, 400);
    const start = await startRoute(authed('/api/verification', checker.token, { method: 'POST', body: JSON.stringify({ node_id: Number(nodeId), method: 'user_agent' }) }), {});
    assert.equal(start.status, 200, 'the same open verification, asked with a number');
    const { verification } = await start.json();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      const response = await checkRoute(authed('/x', checker.token, { method: 'POST', body: '{}' }), params({ id: verification.id }));
      statuses.push(response.status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(422), 'ten failing checks are answered');
    assert.equal(statuses[10], 429, 'the eleventh within a minute is throttled');
  });

  it('refuses nodes the user has not registered and other users\' verifications', async () => {
    const stranger = await createTestUser(database.sql, 'stranger@example.com');
    const nodeId = await ownedNode('5.5.5.6');
    const refused = await startRoute(authed('/api/verification', stranger.token, { method: 'POST', body: JSON.stringify({ node_id: nodeId, method: 'http_file' }) }), {});
    assert.equal(refused.status, 403);
    const { verification } = await startVerification(database.sql, owner.id, { node_id: nodeId, method: 'http_file' });
    const foreign = await checkRoute(authed('/x', stranger.token, { method: 'POST', body: '{}' }), params({ id: verification.id }));
    assert.equal(foreign.status, 404);
    const badMethod = await startRoute(authed('/api/verification', owner.token, { method: 'POST', body: JSON.stringify({ node_id: nodeId, method: 'telepathy' }) }), {});
    assert.equal(badMethod.status, 400);
  });

  it('checks http_file against a loopback server only with the allowance', async () => {
    await setReview(database, false);
    const nodeId = await ownedNode('127.0.0.1');
    const { verification } = await startVerification(database.sql, owner.id, { node_id: nodeId, method: 'http_file' });
    let served = 'nothing here';
    const server: Server = createServer((request, response) => {
      if (request.url === '/.well-known/peerscope-verification.txt') response.end(served);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await assert.rejects(
        checkVerification(database.sql, owner.id, verification.id, {}, { httpPort: port, allowLoopback: false }),
        (error: { status?: number; details?: string }) => error.status === 422 && /loopback/.test(error.details ?? ''),
      );
      await assert.rejects(
        checkVerification(database.sql, owner.id, verification.id, {}, { httpPort: port, allowLoopback: true }),
        (error: { status?: number; details?: string }) => error.status === 422 && /does not contain/.test(error.details ?? ''),
      );
      served = `token: ${verification.challenge}\n`;
      const result = await checkVerification(database.sql, owner.id, verification.id, {}, { httpPort: port, allowLoopback: true });
      assert.equal(result.status, 'verified');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('checks dns_txt through the DNS seam, requiring the hostname to point at the node', async () => {
    await setReview(database, true);
    const nodeId = await ownedNode('7.7.7.7');
    const { verification } = await startVerification(database.sql, owner.id, { node_id: nodeId, method: 'dns_txt' });
    const dns = (addresses: string[]): DnsSeam => ({
      resolve4: async () => addresses,
      resolve6: async () => {
        throw Object.assign(new Error('no data'), { code: 'ENODATA' });
      },
      resolveTxt: async (name) => (name === '_peerscope.node.example.org' ? [['peerscope-verification=', verification.challenge]] : []),
    });
    await assert.rejects(
      checkVerification(database.sql, owner.id, verification.id, { hostname: 'node.example.org' }, { dns: dns(['8.8.8.8']) }),
      (error: { status?: number }) => error.status === 422,
    );
    const result = await checkVerification(database.sql, owner.id, verification.id, { hostname: 'node.example.org' }, { dns: dns(['7.7.7.7']) });
    assert.equal(result.status, 'needs_review', 'require_review sends it to the queue');
    const [node] = await database.sql`select verified from nodes where id = ${nodeId}`;
    assert.equal(node!.verified, false);

    const queue = await (await queueRoute(authed('/api/admin/moderation?page=1&limit=10', admin.token), {})).json();
    const item = queue.items.find((candidate: { id: string }) => candidate.id === verification.id);
    assert.deepEqual(
      { item_type: item.item_type, item_id: item.item_id, user_id: item.user_id, status: item.status, node_info: item.node_info, verification_info: item.verification_info },
      { item_type: 'verification', item_id: verification.id, user_id: owner.id, status: 'needs_review', node_info: { ip: '7.7.7.7', port: 8333, country_name: null },
        verification_info: { method: 'dns_txt', created_at: item.created_at } },
    );
    assert.deepEqual(queue.pagination, { page: 1, limit: 10, total: queue.items.length, pages: 1 });

    const flag = await moderationRoute(authed('/api/admin/moderation', admin.token, { method: 'POST', body: JSON.stringify({ itemId: verification.id, action: 'flag', notes: 'look again' }) }), {});
    assert.equal(flag.status, 200);
    assert.equal((await flag.json()).item.status, 'needs_review', 'a flagged item stays in the queue');
    const flagged = await (await queueRoute(authed('/api/admin/moderation', admin.token), {})).json();
    assert.equal(flagged.items.find((candidate: { id: string }) => candidate.id === verification.id).flagged, true);
    assert.equal((await moderationRoute(authed('/api/admin/moderation', admin.token, { method: 'POST', body: JSON.stringify({ itemId: verification.id, action: 'explode' }) }), {})).status, 400);
    const notAdmin = await queueRoute(authed('/api/admin/moderation', owner.token), {});
    assert.equal(notAdmin.status, 403);

    const approve = await moderationRoute(authed('/api/admin/moderation', admin.token, { method: 'POST', body: JSON.stringify({ itemId: verification.id, action: 'approve', notes: 'ok' }) }), {});
    assert.equal(approve.status, 200);
    assert.equal((await approve.json()).item.status, 'verified');
    const [after] = await database.sql`select verified from nodes where id = ${nodeId}`;
    assert.equal(after!.verified, true);
    const [entry] = await database.sql`select actor_id, action, target_id from admin_audit_log where target_id = ${verification.id} and action <> 'verification.flag'`;
    assert.deepEqual({ ...entry }, { actor_id: admin.id, action: 'verification.approve', target_id: verification.id });
    const twice = await decideRoute(authed('/x', admin.token, { method: 'POST', body: JSON.stringify({ action: 'reject' }) }), params({ id: verification.id }));
    assert.equal(twice.status, 409);
  });

  it('verifies message_sign signatures; a non-tips address always goes to review', async () => {
    await setReview(database, false);
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 9 : 0));
    const address = p2pkhAddress(secp.getPublicKey(key, true), 0);
    const nodeId = await ownedNode('6.6.6.6');
    const { verification } = await startVerification(database.sql, owner.id, { node_id: nodeId, method: 'message_sign' });
    const message = signMessageText({ ip: '6.6.6.6', port: 8333 }, verification.challenge);
    assert.equal(verification.instructions?.message, message);

    const wrong = signMessage(key, 'some other message', MESSAGE_CHAINS.btc!);
    const bad = await checkRoute(authed('/x', owner.token, { method: 'POST', body: JSON.stringify({ address, signature: wrong }) }), params({ id: verification.id }));
    assert.equal(bad.status, 422);
    const missing = await checkRoute(authed('/x', owner.token, { method: 'POST', body: '{}' }), params({ id: verification.id }));
    assert.equal(missing.status, 400);

    const signature = signMessage(key, message, MESSAGE_CHAINS.btc!);
    const ok = await checkRoute(authed('/x', owner.token, { method: 'POST', body: JSON.stringify({ address, signature }) }), params({ id: verification.id }));
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.verification.status, 'needs_review');
    assert.equal(body.verification.evidence.matches_tips_address, false);

    await database.sql`update nodes set tips_address = ${address} where id = ${nodeId}`;
    const second = await startVerification(database.sql, owner.id, { node_id: nodeId, method: 'message_sign' });
    const result = await checkVerification(database.sql, owner.id, second.verification.id,
      { address, signature: signMessage(key, signMessageText({ ip: '6.6.6.6', port: 8333 }, second.verification.challenge), MESSAGE_CHAINS.btc!) },
      { ticker: 'btc' });
    assert.equal(result.status, 'verified');
  });

  it('expires stale challenges', async () => {
    const nodeId = await ownedNode('6.6.6.7', { user_agent: '/Satoshi:27.0.0/' });
    const { verification } = await startVerification(database.sql, owner.id, { node_id: nodeId, method: 'user_agent' });
    await database.sql`update verifications set expires_at = now() - interval '1 minute' where id = ${verification.id}`;
    await assert.rejects(checkVerification(database.sql, owner.id, verification.id, {}), (error: { status?: number }) => error.status === 409);
    const [row] = await database.sql`select status from verifications where id = ${verification.id}`;
    assert.equal(row!.status, 'expired');
  });
});
