/**
 * Keyed throttling for UI refreshes. A study with 100 trials reporting every 100 ms produces 1,000
 * events a second; the tree, the status bar and terminals must not redraw that often. Callers mark keys
 * dirty as events arrive; the flush callback runs at most once per interval with every key marked since
 * the last flush, so nothing is lost and nothing is redrawn twice in one interval.
 */

/** Timer functions, injected so tests run on a fake clock. */
export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

/** The real timers of the extension host. */
export const systemTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/** Collects dirty keys and flushes them in batches, at most once per interval. */
export interface KeyedThrottle<K> {
  /**
   * Marks `key` dirty. The first mark after a quiet interval flushes at once (a lone change shows
   * immediately); marks within the interval are batched into one flush at its end.
   */
  mark(key: K): void;
  /** Flushes pending keys now (e.g. before disposing or when a study ends). No-op when nothing is pending. */
  flush(): void;
  /** Drops pending keys and the timer; later marks are ignored. Idempotent. */
  dispose(): void;
}

/**
 * Creates a throttle that calls `onFlush` with the set of keys marked since the last call, at most once
 * every `intervalMs` (leading and trailing edge). `onFlush` receives a fresh set it may keep.
 */
export function createKeyedThrottle<K>(intervalMs: number, onFlush: (keys: ReadonlySet<K>) => void, timers: TimerApi = systemTimers): KeyedThrottle<K> {
  let pending = new Set<K>();
  let timer: unknown;
  let lastFlush = Number.NEGATIVE_INFINITY;
  let disposed = false;

  const run = (): void => {
    timer = undefined;
    if (pending.size === 0) return;
    const keys = pending;
    pending = new Set<K>();
    lastFlush = timers.now();
    onFlush(keys);
  };

  return {
    mark(key) {
      if (disposed) return;
      pending.add(key);
      if (timer !== undefined) return;
      const wait = lastFlush + intervalMs - timers.now();
      if (wait <= 0) run();
      else timer = timers.setTimeout(run, wait);
    },
    flush() {
      if (timer !== undefined) timers.clearTimeout(timer);
      run();
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}

/**
 * Per-key debounce: `schedule(key, fn)` runs `fn` once `delayMs` have passed without another schedule
 * for the same key (diagnostics while typing). The latest `fn` wins.
 */
export interface KeyedDebounce<K> {
  schedule(key: K, fn: () => void): void;
  /** Cancels a pending run for `key`. */
  cancel(key: K): void;
  dispose(): void;
}

export function createKeyedDebounce<K>(delayMs: number, timers: TimerApi = systemTimers): KeyedDebounce<K> {
  const timersByKey = new Map<K, unknown>();
  const cancel = (key: K): void => {
    const handle = timersByKey.get(key);
    if (handle !== undefined) timers.clearTimeout(handle);
    timersByKey.delete(key);
  };
  return {
    schedule(key, fn) {
      cancel(key);
      timersByKey.set(
        key,
        timers.setTimeout(() => {
          timersByKey.delete(key);
          fn();
        }, delayMs),
      );
    },
    cancel,
    dispose() {
      for (const key of [...timersByKey.keys()]) cancel(key);
    },
  };
}
