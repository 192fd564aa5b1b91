/**
 * Runs a long job (a generator that yields between small units of work) in animation-frame slices of at
 * most `budgetMs`, so no task runs past ~10 ms even with 10,000 lines to draw. Starting a new job cancels
 * the running one.
 */
export class SliceScheduler {
  #job: Iterator<void> | null = null;
  #frame = 0;
  #deadline = 0;
  /** Longest slice run so far, in ms (reported by the view for the benchmark). */
  maxSliceMs = 0;

  constructor(private readonly budgetMs = 8) {}

  /** True while the current slice still has time; jobs check this every few units and yield when false. */
  hasTime(): boolean {
    return performance.now() < this.#deadline;
  }

  get running(): boolean {
    return this.#job !== null;
  }

  start(job: Iterator<void>): void {
    this.#job = job;
    if (!this.#frame) this.#frame = requestAnimationFrame(this.#tick);
  }

  readonly #tick = (): void => {
    this.#frame = 0;
    const job = this.#job;
    if (!job) return;
    const start = performance.now();
    this.#deadline = start + this.budgetMs;
    const done = job.next().done === true;
    this.maxSliceMs = Math.max(this.maxSliceMs, performance.now() - start);
    // The job may have been replaced while it ran (a view callback started another).
    if (this.#job !== job) {
      if (this.#job && !this.#frame) this.#frame = requestAnimationFrame(this.#tick);
      return;
    }
    if (done) this.#job = null;
    else this.#frame = requestAnimationFrame(this.#tick);
  };
}
