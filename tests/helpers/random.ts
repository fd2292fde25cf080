/** Small deterministic PRNG (mulberry32) for property-style tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBuffer(random: () => number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) out[index] = Math.floor(random() * 256);
  return out;
}
