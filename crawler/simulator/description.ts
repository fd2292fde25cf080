/**
 * The JSON a running simulator writes (default .data/simulator.json) so a
 * separate crawler process can reach it:
 *
 * {
 *   "format": "peerscope-simulator/1",
 *   "chain": "bitcoin",                    // preset id; magic repeated for convenience
 *   "magic": "f9beb4d9",
 *   "createdAt": "2025-01-01T00:00:00.000Z",
 *   "pid": 12345,
 *   "seeds": ["5.9.1.2:8333", ...],        // static seeds (addressKey form)
 *   "dnsSeeds": { "seed.simulated.peerscope.invalid": ["5.9.1.2", "2a01:4f8::1"] },
 *   "routes": { "5.9.1.2:8333": "127.100.1.1:41234", "[2a01:4f8::1]:8333": "127.100.1.2:40001", ... }
 * }
 *
 * routes maps every advertised address to its loopback listener (gone peers
 * map to a closed port). Use dialerFromDescription() as the probe's dialer
 * and resolverFromDescription() as crawlNetwork's resolver; both refuse
 * anything not in the file, so nothing outside 127/8 is dialed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { addressKey } from '@/lib/crawler/types';
import { parsePeerAddress } from '@/lib/p2p/address';
import type { Resolver } from '@/lib/p2p/crawl';
import { DialError, directDialer, type Dialer } from '@/lib/p2p/dialer';
import type { SimulatedNetwork } from './network';

export const SIMULATOR_DESCRIPTION_PATH = '.data/simulator.json';

const loopbackTarget = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/, 'routes must point into 127/8');

const descriptionSchema = z.object({
  format: z.literal('peerscope-simulator/1'),
  chain: z.string(),
  magic: z.string().regex(/^[0-9a-f]{8}$/),
  createdAt: z.string(),
  pid: z.number().int(),
  seeds: z.array(z.string()),
  dnsSeeds: z.record(z.string(), z.array(z.string())),
  routes: z.record(z.string(), loopbackTarget),
});

export type SimulatorDescription = z.infer<typeof descriptionSchema>;

export function describeNetwork(network: SimulatedNetwork): SimulatorDescription {
  const routes: Record<string, string> = {};
  for (const peer of network.peers) routes[addressKey(peer.address)] = `${peer.loopback.host}:${peer.loopback.port}`;
  const seedsOnDefaultPort = network.seeds.filter((seed) => seed.port === network.chain.defaultPort);
  return {
    format: 'peerscope-simulator/1',
    chain: network.chain.id,
    magic: network.chain.magic,
    createdAt: new Date().toISOString(),
    pid: process.pid,
    seeds: network.seeds.map(addressKey),
    dnsSeeds: Object.fromEntries(network.dnsSeeds.map((seed) => [seed, seedsOnDefaultPort.map((address) => address.host)])),
    routes,
  };
}

export function writeSimulatorDescription(description: SimulatorDescription, file = SIMULATOR_DESCRIPTION_PATH): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(description, null, 2)}\n`);
}

export function readSimulatorDescription(file = SIMULATOR_DESCRIPTION_PATH): SimulatorDescription {
  const parsed = descriptionSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a simulator description: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

export function dialerFromDescription(description: SimulatorDescription): Dialer {
  const routes = new Map(Object.entries(description.routes));
  return (address, signal) => {
    const target = routes.get(addressKey(address));
    if (!target) return Promise.reject(new DialError(`simulated network: no route to ${addressKey(address)}`, 'ECONNREFUSED'));
    const loopback = parsePeerAddress(target, 0);
    return directDialer(loopback, signal);
  };
}

export function resolverFromDescription(description: SimulatorDescription): Resolver {
  const lookup = (host: string, family: 4 | 6) => {
    const ips = description.dnsSeeds[host];
    if (!ips) return Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(ips.filter((ip) => (family === 4 ? !ip.includes(':') : ip.includes(':'))));
  };
  return { resolve4: (host) => lookup(host, 4), resolve6: (host) => lookup(host, 6) };
}
