/**
 * GPUs for `resources.gpus_per_trial`: found with nvidia-smi, handed to trials through
 * CUDA_VISIBLE_DEVICES, one set per running trial.
 */
import { execFile } from 'node:child_process';

/** Indices of the NVIDIA GPUs on this machine; empty when nvidia-smi is missing or fails. */
export function detectGpus(): Promise<number[]> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], { timeout: 10_000 }, (error, stdout) => {
      if (error) return resolve([]);
      resolve(
        stdout
          .split('\n')
          .map((l) => Number.parseInt(l.trim(), 10))
          .filter((n) => Number.isInteger(n) && n >= 0),
      );
    });
  });
}

/** Free GPUs; the loop takes a set when a trial starts and gives it back when the trial ends. */
export class GpuPool {
  private readonly free: number[];

  constructor(gpus: readonly number[]) {
    this.free = [...gpus];
  }

  /** Takes `count` GPUs (lowest indices first). The loop never runs more trials than the pool can serve. */
  take(count: number): number[] {
    if (this.free.length < count) throw new Error(`asked for ${count} GPU(s), ${this.free.length} free`);
    return this.free.splice(0, count);
  }

  give(gpus: readonly number[]): void {
    this.free.push(...gpus);
    this.free.sort((a, b) => a - b);
  }
}
