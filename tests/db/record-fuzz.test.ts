import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordProbeResults } from '../../lib/crawler/persist';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { encodeCompactSize } from '../../lib/p2p/bytes';
import { ProtocolError } from '../../lib/p2p/errors';
import { addressAdmission } from '../../lib/p2p/gossip-policy';
import { decodeAddr, decodeAddrV2, decodeVersion, encodeAddrV2, encodeVersion } from '../../lib/p2p/messages';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';
import { randomBuffer, seededRandom } from '../helpers/random';

/**
 * Codec and record path together: random and mutated version / addr / addrv2 payloads are decoded
 * (only ProtocolError may come out) and whatever decodes is written as probe results. The database
 * must accept every batch: no NUL, no invalid UTF-8, no out-of-range number reaches it.
 */
describe(`fuzz: wire bytes through decode into the database on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('every decodable payload is recorded, nothing else is thrown', async () => {
    const random = seededRandom(20261125);
    const admit = addressAdmission({ allowNonPublicAddresses: false, denyCidrs: [], denyAsns: [] });
    const results: ProbeResult[] = [];
    const decodeOrNull = <T,>(decode: () => T): T | null => {
      try {
        return decode();
      } catch (error) {
        assert.ok(error instanceof ProtocolError, `only ProtocolError escapes decode, got ${String(error)}`);
        return null;
      }
    };
    for (let index = 0; index < 400; index += 1) {
      // A version with a hostile user agent: random bytes (NUL, controls, invalid UTF-8), extreme numbers.
      const agent = randomBuffer(random, Math.floor(random() * 300));
      const valid = encodeVersion({ protocolVersion: Math.floor(random() * 2 ** 31), userAgent: '', startHeight: Math.floor(random() * 2 ** 31) - 2 ** 30, services: BigInt(Math.floor(random() * 2 ** 53)) << 11n });
      // Splice the random agent in place of the empty var_str (offset 80), sometimes with a lying length.
      const length = random() < 0.9 ? agent.length : Math.floor(random() * 2 ** 32);
      const payload = Buffer.concat([valid.subarray(0, 80), encodeCompactSize(length), agent, valid.subarray(81)]);
      if (random() < 0.2) payload[Math.floor(random() * payload.length)] = Math.floor(random() * 256);
      const version = decodeOrNull(() => decodeVersion(payload));

      const addrPayload =
        random() < 0.5
          ? randomBuffer(random, Math.floor(random() * 200))
          : encodeAddrV2(
              Array.from({ length: 5 }, () => ({
                time: Math.floor(random() * 2 ** 32),
                services: 1n,
                address: { host: `${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`, port: Math.floor(random() * 65536), network: 'ipv4' as const },
              })),
            );
      const gossip = decodeOrNull(() => (random() < 0.5 ? decodeAddr(addrPayload) : decodeAddrV2(addrPayload)));
      const address: PeerAddress = { host: `5.${1 + (index % 250)}.${Math.floor(index / 250)}.1`, port: 8333, network: 'ipv4' };
      results.push({
        address,
        checkedAt: new Date(Date.now() - index),
        ok: version !== null,
        latencyMs: random() * 1000,
        version: version ?? undefined,
        error: version ? undefined : 'protocol: fuzzed',
        learned: (gossip?.entries ?? []).map((entry) => entry.address).filter((learned) => admit(learned) === null),
      });
    }
    assert.ok(results.some((result) => result.ok), 'some fuzzed versions decode');
    assert.ok(results.some((result) => /[^\x20-\x7e]/.test(result.version?.userAgent ?? '') || (result.version?.userAgent.length ?? 0) > 0));
    for (let start = 0; start < results.length; start += 50) {
      await recordProbeResults(database.sql, results.slice(start, start + 50), { now: new Date() });
    }
    const [checks] = await database.sql<{ n: number }[]>`select count(*)::int as n from node_checks`;
    assert.equal(checks!.n, results.length, 'every result was recorded');
    const [bad] = await database.sql<{ n: number }[]>`select count(*)::int as n from nodes where user_agent ~ '[\\x01-\\x1f]'`;
    assert.equal(bad!.n, 0, 'no control characters stored');
  });
});
