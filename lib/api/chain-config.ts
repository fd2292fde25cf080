import { activeChain, minimumPeerVersion, type ResolvedChain } from '../chains';
import type { Sql } from '../db/client';
import { describeScoring, MINIMUM_HISTORY_HOURS, PIX_MAX, PIX_SCALE, PIX_WEIGHTS, TIER_REQUIREMENTS, TIERS, type Tier } from '../scoring';
import { publicVersionClasses, type PublicVersionClasses } from '../versions/public';
import { loadVersionClassesForRequest } from '../versions/store';

/**
 * GET /api/config/chain: the tracked chain's public facts, the version classes in
 * effect, and the PIX and tier definitions, read from lib/scoring (the single
 * definition), never restated here.
 */
export interface ChainConfigResponse {
  /** preset id: bitcoin, dogecoin, litecoin, dingocoin, testnet, … */
  chain: string;
  name: string;
  ticker: string;
  default_port: number;
  /** pchMessageStart, 8 lower-case hex characters in wire order */
  magic: string;
  /** the DNS seeds the crawler starts from */
  dns_seeds: string[];
  /** protocol version the crawler announces */
  protocol_version: number;
  /** lowest protocol version a peer may announce to count as up, by height */
  min_peer_versions: { from_height: number; version: number }[];
  /** the rule for a peer at the newest height (most peers) */
  min_peer_version: number;
  version_classes: PublicVersionClasses;
  pix: {
    max: number;
    scale: number;
    weights: { uptime: number; latency: number; reliability: number };
    formula: string;
    latency_score: string;
    minimum_history_hours: number;
  };
  /** best first; a node gets the best tier whose every requirement holds (strict inequalities) */
  tiers: { tier: Tier; pix_above: number | null; uptime_above: number | null; latency_below_ms: number | null }[];
}

function pixFormula(): string {
  const { uptime, latency, reliability } = PIX_WEIGHTS;
  return `PIX = ${PIX_SCALE} × (${uptime} × uptime% + ${latency} × latency_score + ${reliability} × reliability%)`;
}

export function chainFacts(chain: ResolvedChain) {
  const rules = chain.crawler.minProtocolVersion === null
    ? chain.minPeerVersions.map((rule) => ({ from_height: rule.fromHeight, version: rule.version }))
    : [{ from_height: 0, version: chain.crawler.minProtocolVersion }];
  return {
    chain: chain.id,
    name: chain.displayName,
    ticker: chain.ticker,
    default_port: chain.defaultPort,
    magic: chain.magic,
    dns_seeds: [...chain.dnsSeeds],
    protocol_version: chain.protocolVersion,
    min_peer_versions: rules,
    min_peer_version: chain.crawler.minProtocolVersion ?? minimumPeerVersion(chain, Number.MAX_SAFE_INTEGER),
  };
}

export function scoringDefinition(): Pick<ChainConfigResponse, 'pix' | 'tiers'> {
  const requirements = new Map(TIER_REQUIREMENTS.map((requirement) => [requirement.tier, requirement]));
  return {
    pix: {
      max: PIX_MAX,
      scale: PIX_SCALE,
      weights: { uptime: PIX_WEIGHTS.uptime, latency: PIX_WEIGHTS.latency, reliability: PIX_WEIGHTS.reliability },
      formula: pixFormula(),
      latency_score: describeScoring().latencyScore,
      minimum_history_hours: MINIMUM_HISTORY_HOURS,
    },
    tiers: TIERS.map((tier) => {
      const requirement = tier === 'standard' ? undefined : requirements.get(tier);
      return {
        tier,
        pix_above: requirement?.pixAbove ?? null,
        uptime_above: requirement?.uptimeAbove ?? null,
        latency_below_ms: requirement?.latencyBelow ?? null,
      };
    }),
  };
}

export async function getChainConfig(sql: Sql, chain: ResolvedChain = activeChain()): Promise<ChainConfigResponse> {
  return {
    ...chainFacts(chain),
    version_classes: publicVersionClasses(await loadVersionClassesForRequest(sql)),
    ...scoringDefinition(),
  };
}
