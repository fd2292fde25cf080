import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handshakeProbe, handshakeProberFromEnv, parseVersion, versionPayload } from '../../lib/nodes/handshake-prober';
import { getNodeProber, setNodeProber } from '../../lib/nodes/prober';
import { fakeNode, REGTEST_MAGIC_HEX } from '../helpers/fake-node';

const MAGIC = Buffer.from(REGTEST_MAGIC_HEX, 'hex');

describe('built-in handshake prober', () => {
  const nodes: Awaited<ReturnType<typeof fakeNode>>[] = [];
  before(async () => {
    for (const mode of ['ok', 'bad-magic', 'silent', 'close'] as const) nodes.push(await fakeNode(mode));
  });
  after(async () => {
    for (const node of nodes) await node.close();
  });
  const probe = (port: number, timeoutMs = 2000) =>
    handshakeProbe({ host: '127.0.0.1', port, network: 'ipv4' }, { magic: MAGIC, protocolVersion: 70016, timeoutMs });

  it('round-trips a version payload', () => {
    const parsed = parseVersion(versionPayload(70016, '/Peerscope:0.1.0/', 1_700_000_000_000));
    assert.equal(parsed.protocolVersion, 70016);
    assert.equal(parsed.userAgent, '/Peerscope:0.1.0/');
    assert.equal(parsed.timestamp, 1_700_000_000);
  });

  it('completes a handshake with a fake node and reports its version', async () => {
    const result = await probe(nodes[0]!.port);
    assert.equal(result.ok, true, result.error);
    assert.equal(result.version?.userAgent, '/Satoshi:27.0.0(peerscope-abc)/');
    assert.equal(result.version?.protocolVersion, 70016);
    assert.ok((result.latencyMs ?? -1) >= 0);
  });

  it('fails on wrong magic, silence (timeout), closed connections and refused ports', async () => {
    assert.equal((await probe(nodes[1]!.port)).error, 'bad magic');
    assert.match((await probe(nodes[2]!.port, 300)).error ?? '', /^timeout/);
    assert.equal((await probe(nodes[3]!.port)).error, 'connection closed');
    const freed = await fakeNode('ok');
    await freed.close();
    assert.equal((await probe(freed.port)).error, 'ECONNREFUSED');
  });

  it('is the default prober for known chains and can be replaced', async () => {
    assert.ok(handshakeProberFromEnv('btc', {}));
    assert.equal(handshakeProberFromEnv('dingo', {}), undefined);
    assert.ok(handshakeProberFromEnv('dingo', { PEERSCOPE_P2P_MAGIC: 'c0c0c0c0' }));
    const fake = async () => ({ address: { host: 'x', port: 1, network: 'ipv4' as const }, checkedAt: new Date(), ok: true, learned: [] });
    setNodeProber(fake);
    assert.equal(getNodeProber(), fake);
    setNodeProber(undefined);
    await assert.rejects(getNodeProber({ CHAIN_TICKER: 'dingo' })({ host: '127.0.0.1', port: 1, network: 'ipv4' }), /not wired/);
  });
});
