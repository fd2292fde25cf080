import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  describeNetwork,
  dialerFromDescription,
  readSimulatorDescription,
  resolverFromDescription,
  startSimulatedNetwork,
  writeSimulatorDescription,
} from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { addressKey } from '../../lib/crawler/types';
import { crawlNetwork } from '../../lib/p2p/crawl';
import { probePeer } from '../../lib/p2p/probe';
import { startProcess } from '../helpers/processes';

const timeouts = { connectMs: 3000, handshakeMs: 2500, pingMs: 1000, addrWindowMs: 1000, totalMs: 6000 };

describe('simulated network', () => {
  it('is deterministic given the random seed', async () => {
    const [first, second] = await Promise.all([
      startSimulatedNetwork({ nodes: 120, hostileShare: 0.1, slowShare: 0.1, goneShare: 0.1, randomSeed: 5 }),
      startSimulatedNetwork({ nodes: 120, hostileShare: 0.1, slowShare: 0.1, goneShare: 0.1, randomSeed: 5, loopbackOctet: 110 }),
    ]);
    try {
      const shape = (network: typeof first) => network.peers.map((peer) => [addressKey(peer.address), peer.profile.behaviour, peer.profile.userAgent, peer.profile.startHeight]);
      assert.deepEqual(shape(first), shape(second));
      assert.deepEqual(first.seeds, second.seeds);
      assert.ok(first.peers.some((peer) => peer.address.network === 'ipv6'));
      assert.equal(new Set(first.peers.map((peer) => peer.address.host)).size, first.peers.length);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('can be crawled from another process through its JSON description', async () => {
    const chain = CHAIN_PRESETS.dogecoin;
    const network = await startSimulatedNetwork({ nodes: 80, chain, goneShare: 0.1, randomSeed: 9 });
    try {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'peerscope-sim-')), 'simulator.json');
      writeSimulatorDescription(describeNetwork(network), file);
      const description = readSimulatorDescription(file);
      assert.equal(description.magic, 'c0c0c0c0');
      const dialer = dialerFromDescription(description);
      const stats = await crawlNetwork({
        chain,
        dnsSeeds: Object.keys(description.dnsSeeds),
        resolver: resolverFromDescription(description),
        probe: (address, signal) => probePeer(address, { chain, dialer, timeouts, signal }),
        concurrency: 16,
        maxAddresses: 10_000,
      });
      assert.equal(stats.ok, network.reachable().length);
      assert.equal(stats.failed, network.peers.length - network.reachable().length);
    } finally {
      await network.stop();
    }
  });

  it('npm run simulate writes the description and stops on SIGTERM', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'peerscope-cli-')), 'simulator.json');
    const cli = startProcess(process.execPath, ['--import', 'tsx', 'crawler/simulate.ts', '--nodes', '40', '--random-seed', '3', '--out', out], process.env);
    try {
      const deadline = Date.now() + 20_000;
      while (!cli.output().includes('Press Ctrl+C') && Date.now() < deadline && cli.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(existsSync(out), cli.output());
      const description = readSimulatorDescription(out);
      assert.equal(Object.keys(description.routes).length, 40);
      const seed = description.seeds[0]!;
      const result = await probePeer(
        { host: seed.slice(0, seed.lastIndexOf(':')).replace(/^\[|\]$/g, ''), port: Number(seed.slice(seed.lastIndexOf(':') + 1)), network: seed.startsWith('[') ? 'ipv6' : 'ipv4' },
        { chain: CHAIN_PRESETS.bitcoin, dialer: dialerFromDescription(description), timeouts },
      );
      assert.equal(result.ok, true, result.error);
    } finally {
      assert.equal(await cli.stop(5000), 0);
    }
  });

  it('rejects bad CLI arguments with the flag name', async () => {
    const cli = startProcess(process.execPath, ['--import', 'tsx', 'crawler/simulate.ts', '--hostile', '2'], process.env);
    const code = await new Promise<number | null>((resolve) => cli.child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(cli.output(), /--hostile/);
  });
});
