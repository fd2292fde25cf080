import { systemResolver, type Resolver } from '../p2p/crawl';

export interface SeedLookupCount {
  /** DNS seeds the pass asked. */
  asked: number;
  /** Seeds that answered with at least one address (A or AAAA). */
  answered: number;
}

/** Wraps a resolver to count, for one pass, which DNS seeds were asked and which answered with addresses. */
export function countSeedLookups(resolver: Resolver = systemResolver): { resolver: Resolver; count(): SeedLookupCount } {
  const asked = new Set<string>();
  const answered = new Set<string>();
  const counted =
    (method: keyof Resolver) =>
    async (hostname: string): Promise<string[]> => {
      asked.add(hostname);
      const addresses = await resolver[method](hostname);
      if (addresses.length > 0) answered.add(hostname);
      return addresses;
    };
  return {
    resolver: { resolve4: counted('resolve4'), resolve6: counted('resolve6') },
    count: () => ({ asked: asked.size, answered: answered.size }),
  };
}
