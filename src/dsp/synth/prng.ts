/**
 * mulberry32: a small, fast, seeded 32-bit PRNG returning floats in [0, 1). Everything the project
 * generates deterministically (DI clips, the default model's test signal, random test models,
 * benchmark signals) draws from it, so a seed always gives the same numbers.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
