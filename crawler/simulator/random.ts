/** Deterministic PRNG (mulberry32) so a simulated network is reproducible from its seed. */
export interface Rng {
  next(): number;
  int(minInclusive: number, maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
  fork(salt: number): Rng;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from empty list');
      return items[int(0, items.length)]!;
    },
    bytes: (length) => {
      const out = Buffer.alloc(length);
      for (let index = 0; index < length; index += 1) out[index] = int(0, 256);
      return out;
    },
    fork: (salt) => createRng(Math.imul(seed ^ 0x9e3779b9, 2654435761) ^ Math.imul(salt + 1, 0x85ebca6b)),
  };
}

export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = rng.int(0, index + 1);
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
