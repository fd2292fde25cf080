import { activeChain, resolveChain } from '../chains';

/**
 * The chain ticker used in API key prefixes ("btc_sk_…", "doge_sk_…") and to
 * pick the signed-message parameters: the active chain's (CHAIN, or the
 * `ticker` of CRAWLER_CONFIG). Pass an environment to resolve another one.
 */
export function keyTicker(env?: Record<string, string | undefined>): string {
  return (env ? resolveChain(env) : activeChain()).ticker;
}
