import { z } from 'zod';

const tickerSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]{2,10}$/, 'CHAIN_TICKER must be 2-10 lowercase letters or digits')
  .default('btc');

/**
 * The chain ticker used in API key prefixes ("btc_sk_…", "doge_sk_…") and to pick the
 * signed-message magic. Reads CHAIN_TICKER for now; the integrator points this at the
 * chain preset in lib/chains.
 */
export function keyTicker(env: Record<string, string | undefined> = process.env): string {
  const parsed = tickerSchema.safeParse(env.CHAIN_TICKER === '' ? undefined : env.CHAIN_TICKER);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'Invalid CHAIN_TICKER');
  return parsed.data;
}
