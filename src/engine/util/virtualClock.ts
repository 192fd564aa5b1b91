/**
 * A virtual clock with a discrete-event queue, for simulated studies: time only moves when the driver
 * ({@link VirtualClock.run}) pops the next event, so thousands of trials replay in milliseconds while
 * every timestamp the runner writes is exact and reproducible.
 *
 * The driver rule (what makes a run deterministic):
 *   1. Wait until the system is idle: after a full event-loop turn (setImmediate, so every microtask and
 *      ready I/O callback has run) no registered activity happened during that turn ({@link
 *      VirtualClock.touch}) AND every idle check answers "idle". Idle checks are precise facts supplied by
 *      the simulated launcher ("every line printed has been taken by the runner, every exited trial's
 *      end has been handled"), so real file I/O in between (JSONL appends, fsync) is waited for however
 *      long it takes, not guessed with a fixed number of turns. While a check says busy, the driver
 *      sleeps until the next `touch()` (whoever flips a check to idle must touch), re-checking every
 *      10 ms of wall time in case one does not.
 *   2. If `until` has settled, stop.
 *   3. Pop the earliest event (ties: the one scheduled first), set `now()` to its time, run it; go to 1.
 * Time never goes backwards; an event scheduled in the past runs at the current time.
 */
import type { Clock } from './clock';

/** A scheduled event; `cancel()` is idempotent and a no-op once it ran. */
export interface ScheduledEvent {
  readonly at: number;
  cancel(): void;
}

/** Part of the idle condition: `idle()` is called every turn (keep it cheap); `why()` only for a stall error. */
export interface IdleCheck {
  idle(): boolean;
  why(): string;
}

/** Options of {@link VirtualClock.run}. */
export interface VirtualRunOptions {
  /** Stop once this settles (e.g. the runner's `done`); without it, run until no event is left. */
  readonly until?: Promise<unknown>;
  /**
   * Wall-clock ms the driver may wait for the system to become idle, or (with `until`) for `until` to
   * settle with no event left, before it gives up with an error naming the busy parts (default 30 s).
   */
  readonly stallMs?: number;
}

/** What one {@link VirtualClock.run} did. */
export interface VirtualRunStats {
  /** Events run. */
  readonly events: number;
  /** Event-loop turns spent waiting for idleness. */
  readonly turns: number;
  /** Virtual time at the end. */
  readonly now: number;
}

export interface VirtualClock extends Clock {
  /** Virtual milliseconds. */
  now(): number;
  /** Runs `fn` at virtual time `atMs` (clamped to now). */
  schedule(atMs: number, fn: () => void): ScheduledEvent;
  /** Runs `fn` `delayMs` after now. */
  after(delayMs: number, fn: () => void): ScheduledEvent;
  /** Events still queued (not cancelled). */
  readonly pending: number;
  /** Registers an idle check; returns a function that removes it. */
  addIdleCheck(check: IdleCheck): () => void;
  /** Records activity (a launch, a read, a stop, a check turning idle): the driver waits one more quiet turn. */
  touch(): void;
  /** Drives the queue by the rule in the module comment. Only one run at a time. */
  run(options?: VirtualRunOptions): Promise<VirtualRunStats>;
}

interface QueuedEvent {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  /** Cancelled, or already taken off the queue to run: `cancel()` is then a no-op. */
  cancelled: boolean;
}

/** Creates a virtual clock starting at `start` ms. */
export function createVirtualClock(start = 0): VirtualClock {
  let now = start;
  let seqCounter = 0;
  let live = 0;
  let activity = 0;
  /** Wakes a driver sleeping on a busy check. */
  let wake: (() => void) | undefined;
  let running = false;
  const heap: QueuedEvent[] = [];
  const checks = new Set<IdleCheck>();

  const before = (a: QueuedEvent, b: QueuedEvent): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

  const push = (e: QueuedEvent): void => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p];
      if (!parent || !before(e, parent)) break;
      heap[i] = parent;
      i = p;
    }
    heap[i] = e;
  };

  const pop = (): QueuedEvent | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best = last;
      const left = heap[l];
      const right = heap[r];
      if (left && before(left, best)) {
        m = l;
        best = left;
      }
      if (right && before(right, best)) m = r;
      if (m === i) break;
      heap[i] = heap[m] as QueuedEvent;
      i = m;
    }
    heap[i] = last;
    return top;
  };

  /** The next event that is not cancelled (cancelled ones are dropped lazily). */
  const popLive = (): QueuedEvent | undefined => {
    for (;;) {
      const e = pop();
      if (!e) return undefined;
      if (e.cancelled) continue;
      e.cancelled = true;
      return e;
    }
  };

  const schedule = (atMs: number, fn: () => void): ScheduledEvent => {
    const e: QueuedEvent = { at: Math.max(now, atMs), seq: seqCounter++, fn, cancelled: false };
    push(e);
    live++;
    return {
      at: e.at,
      cancel: () => {
        if (e.cancelled) return;
        e.cancelled = true;
        live--;
      },
    };
  };

  const allIdle = (): boolean => {
    for (const check of checks) if (!check.idle()) return false;
    return true;
  };

  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  /** Until the next touch(), or `ms` of wall time. */
  const nap = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const run = async (options?: VirtualRunOptions): Promise<VirtualRunStats> => {
    if (running) throw new Error('the virtual clock is already running');
    running = true;
    const stallMs = options?.stallMs ?? 30_000;
    let settled = false;
    options?.until?.then(
      () => {
        settled = true;
        wake?.();
      },
      () => {
        settled = true;
        wake?.();
      },
    );
    let events = 0;
    let turns = 0;
    try {
      for (;;) {
        // 1. Wait for a quiet turn with every check idle (or for `until`).
        let waitedSince = Date.now();
        for (;;) {
          const mark = activity;
          await turn();
          turns++;
          if (settled) return { events, turns, now };
          if (activity !== mark) {
            waitedSince = Date.now();
            continue;
          }
          const idle = allIdle();
          // Nothing queued but `until` pending: the runner is finishing (closing writes); keep waiting.
          if (idle && (live > 0 || !options?.until)) break;
          if (Date.now() - waitedSince > stallMs) {
            const reasons = [...checks].filter((c) => !c.idle()).map((c) => c.why());
            const what = reasons.length > 0 ? reasons.join('; ') : 'no event queued and `until` did not settle';
            throw new Error(`virtual clock stalled at ${now} ms for ${stallMs} ms of wall time: ${what}`);
          }
          // Waiting on real work (I/O): sleep until something touches the clock instead of spinning.
          await nap(10);
        }
        // 3. Run the earliest event.
        const next = popLive();
        if (!next) return { events, turns, now };
        live--;
        now = Math.max(now, next.at);
        activity++;
        events++;
        next.fn();
      }
    } finally {
      running = false;
    }
  };

  return {
    now: () => now,
    schedule,
    after: (delayMs, fn) => schedule(now + Math.max(0, delayMs), fn),
    get pending() {
      return live;
    },
    addIdleCheck: (check) => {
      checks.add(check);
      return () => checks.delete(check);
    },
    touch: () => {
      activity++;
      wake?.();
    },
    run,
  };
}
