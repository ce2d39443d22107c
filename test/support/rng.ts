/**
 * mulberry32: a small seeded generator of uniforms in [0, 1) for the tests that make up their
 * inputs (fuzzed scenarios, generated CSV files), so a failure names a case that runs again.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
