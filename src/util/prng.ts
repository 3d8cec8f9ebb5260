/**
 * Seeded randomness for faults. Hand-written because it is a dozen lines: mulberry32 is a well-known 32-bit
 * generator, good enough to pick which request fails, and it makes a fault run reproducible from its seed
 * (Math.random cannot be seeded).
 */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A normal deviate from two uniforms (Box–Muller); the caller passes both so draw counts stay fixed. */
export function normalFrom(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}
