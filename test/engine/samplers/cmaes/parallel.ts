/**
 * A parallel ask/tell driver for the generation-based samplers: keeps `parallel` trials running (passed as
 * `pending`), finishes a seeded-random one of them each step (so tells arrive out of order), and records every
 * tell so a fresh sampler can replay them.
 */
import type { AskResult, Observation, Sampler } from '../../../../src/engine/samplers/sampler';
import type { Config } from '../../../../src/engine/space/searchSpace';
import { createRng } from '../../../../src/engine/util/rng';
import { requestFor } from '../../../contracts/samplerContract';
import type { Problem } from './problems';

/** What `runParallel` returns. */
export interface ParallelRun {
  readonly answers: AskResult[];
  readonly tells: Observation[];
  /** The trial number of the next ask. */
  readonly next: number;
  /** Configs still running at the end. */
  readonly pending: Config[];
  readonly best: number;
}

/** Runs `trials` asks with up to `parallel` running at once; tells in a seeded-random order. */
export function runParallel(sampler: Sampler, problem: Problem, seed: number, trials: number, parallel: number): ParallelRun {
  const order = createRng(seed).fork('finish-order');
  const running: Array<{ n: number; config: Config }> = [];
  const answers: AskResult[] = [];
  const tells: Observation[] = [];
  let best = Infinity;
  let n = 0;
  const finishOne = (): void => {
    const [done] = running.splice(order.int(running.length), 1);
    if (done === undefined) return;
    const loss = problem.evaluate(done.config);
    if (loss !== null) best = Math.min(best, loss);
    const o: Observation = { trialId: String(done.n), trialNumber: done.n, config: done.config, budget: 1, loss, status: loss === null ? 'failed' : 'completed' };
    sampler.tell(o);
    tells.push(o);
  };
  while (n < trials) {
    while (running.length < parallel && n < trials) {
      const answer = sampler.ask(requestFor(seed, n, running.map((r) => r.config)));
      answers.push(answer);
      if (answer.kind === 'suggest') running.push({ n, config: answer.config });
      n++;
    }
    finishOne();
  }
  // Leave half of the last batch running so the final ask sees pending trials.
  while (running.length > Math.floor(parallel / 2)) finishOne();
  return { answers, tells, next: n, pending: running.map((r) => r.config), best };
}
