/**
 * Reuses the key strings of previous lines. A trial prints the same few metric names on every line, and
 * a freshly sliced string used as a property name costs V8 a string-table lookup on every store;
 * handing back an already internalized string instead roughly doubles the key=value throughput.
 */

const SLOTS = 512; // direct-mapped; a collision only costs a new slice, never a wrong key
const cache: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/** Folds one char code into a running key hash (start from 0). */
export function hashStep(hash: number, c: number): number {
  return (Math.imul(hash, 31) + c) | 0;
}

/**
 * The string `s.slice(start, end)`, from the cache when an equal key was seen before.
 *
 * @param hash the {@link hashStep} fold of the key's char codes.
 */
export function internKey(s: string, start: number, end: number, hash: number): string {
  const length = end - start;
  const slot = (hash ^ (hash >>> 9) ^ length) & (SLOTS - 1);
  const cached = cache[slot];
  if (cached !== undefined && cached.length === length && s.startsWith(cached, start)) return cached;
  const key = internalize(s.slice(start, end));
  cache[slot] = key;
  return key;
}

const joinedRaw: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
const joinedKeys: string[] = new Array<string>(SLOTS).fill('');
const joinedLower = new Uint8Array(SLOTS);

/**
 * The key joined from two words of `s`, `val_loss` for `Val Loss` or `valid_0_auc` for `valid_0's auc`:
 * `s[start..sepStart)`, `_`, `s[sepEnd..end)`, lower-cased when `lowerCase`; from the cache when the
 * same text was joined before (the same line is printed once per step, and a join allocates three strings).
 */
export function internJoinedKey(s: string, start: number, sepStart: number, sepEnd: number, end: number, lowerCase: boolean): string {
  const length = end - start;
  let hash = lowerCase ? 1 : 0;
  for (let k = start; k < end; k++) hash = hashStep(hash, s.charCodeAt(k));
  const slot = (hash ^ (hash >>> 9) ^ length) & (SLOTS - 1);
  const raw = joinedRaw[slot];
  const lower = lowerCase ? 1 : 0;
  if (raw !== undefined && raw.length === length && joinedLower[slot] === lower && s.startsWith(raw, start)) return joinedKeys[slot] ?? '';
  const joined = `${s.slice(start, sepStart)}_${s.slice(sepEnd, end)}`;
  const key = internalize(lowerCase ? joined.toLowerCase() : joined);
  joinedRaw[slot] = internalize(s.slice(start, end)); // a flat copy: a slice would keep the whole line alive
  joinedKeys[slot] = key;
  joinedLower[slot] = lower;
  return key;
}

/** V8 returns property names in their internalized form; keys here never look like array indices. */
function internalize(key: string): string {
  const holder: Record<string, number> = {};
  holder[key] = 0;
  return Object.keys(holder)[0] ?? key;
}
