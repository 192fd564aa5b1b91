/**
 * Seeded pseudo-random numbers for every policy (samplers, schedulers). Policies never call Math.random:
 * a study seed plus a label (e.g. the trial number) gives an independent, reproducible stream.
 * Generator: xoshiro128** (Blackman & Vigna), state seeded through splitmix32.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** An independent stream derived from this one's seed and `label`; does not advance this stream. */
  fork(label: string | number): Rng;
  /** The seed this stream was created from (for logs and replay). */
  readonly seed: number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * The generator's 32-bit seed: a seed in [0, 2³²) as it is; any other integer (a harness's 64-bit seed, a
 * negative one) hashed with its high part, so that 2³² + 5 and 5, or −1 and 2³² − 1, are not the same stream.
 */
function seed32(seed: number): number {
  if (seed >= 0 && seed < 0x100000000 && Number.isInteger(seed)) return seed;
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x100000000) >>> 0;
  return splitmix32(low ^ Math.imul(high ^ 0x5bd1e995, 0x27d4eb2d))();
}

/** FNV-1a over the label, mixed with the parent seed: stable across runs and platforms. */
function deriveSeed(seed: number, label: string | number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  const text = String(label);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return splitmix32(h)();
}

export function createRng(seed: number): Rng {
  const base = seed32(seed);
  const init = splitmix32(base);
  let a = init(), b = init(), c = init(), d = init();
  if ((a | b | c | d) === 0) a = 1;
  let spareNormal: number | undefined;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a; d ^= b; b ^= c; a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  const rng: Rng = {
    seed: base,
    next: () => {
      // 53 bits of randomness from two draws.
      const hi = nextUint32() >>> 5;
      const lo = nextUint32() >>> 6;
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    int: (n: number) => Math.floor(rng.next() * n),
    normal: () => {
      if (spareNormal !== undefined) {
        const v = spareNormal;
        spareNormal = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => createRng(deriveSeed(base, label)),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
