/**
 * A child process of bench/monitor.bench.ts: runs a slice of live simulated
 * peers (its own 127.<octet>.x.y range) and drops peers on request over IPC.
 * Separate processes keep each under the file-descriptor limit and keep the
 * simulator's CPU out of the monitor's measurement.
 */
import { startLiveNetwork } from '@/crawler/simulator';

const peers = Number(process.argv[2]);
const octet = Number(process.argv[3]);

async function main() {
  const network = await startLiveNetwork({ peers, loopbackOctet: octet, blockIntervalMs: Number(process.env.BENCH_BLOCK_INTERVAL_MS ?? 60_000) });
  process.send!({ ready: true, addresses: network.peers.map((peer) => [peer.address.host, peer.address.port]) });
  process.on('message', (message: { drop?: number; connections?: boolean; stop?: boolean }) => {
    if (message.drop !== undefined) {
      const at = Date.now();
      void network.peers[message.drop]!.goDown().then(() => process.send!({ dropped: message.drop, at }));
    } else if (message.connections) {
      process.send!({ connections: network.peers.reduce((sum, peer) => sum + peer.connections, 0) });
    } else if (message.stop) {
      void network.stop().then(() => process.exit(0));
    }
  });
}

main().catch((error: Error) => {
  console.error(`live-sim-worker: ${error.message}`);
  process.exit(1);
});
