/** Wall-clock time enters the engine only through a Clock, so tests can use a fake one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
