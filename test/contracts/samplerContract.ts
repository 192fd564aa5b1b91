/**
 * The contract every sampler must keep, as a reusable vitest suite: `describeSamplerContract(name, factory)`
 * from a `*.test.ts` file. A new sampler joins with one line in test/engine/samplers/contract.test.ts.
 *
 * Checked on three spaces (flat continuous, mixed log/int/step/categorical, nested conditionals):
 * suggestions lie inside the space with exactly the active parameters; same seed + same asks/tells → same
 * answers; a fresh sampler fed the same tells gives the same next ask (replay); `loss: null` tells are fine;
 * finite samplers end with a sticky `exhausted`, the others keep suggesting.
 */
import { describe, expect, it } from 'vitest';
import type { AskRequest, AskResult, Observation, Sampler, SamplerFactory } from '../../src/engine/samplers/sampler';
import { createSearchSpace } from '../../src/engine/space/searchSpace';
import type { Config, SearchSpace } from '../../src/engine/space/searchSpace';
import { validateConfig } from '../../src/engine/space/validateConfig';
import { createRng } from '../../src/engine/util/rng';

/** How the contract drives one sampler. */
export interface SamplerContractOptions {
  /** Sampler options passed to the factory (the study file's `sampler` settings). */
  readonly samplerOptions?: Readonly<Record<string, unknown>>;
  /** True for samplers with a finite sequence (grid): asks may answer `exhausted`, which must then stay so. */
  readonly exhaustible?: boolean;
  /** Trials asked per scenario (default 24). */
  readonly trials?: number;
}

/** Flat, continuous. */
export const flatSpace: SearchSpace = createSearchSpace([
  ['x', { kind: 'float', low: -5, high: 5 }],
  ['y', { kind: 'float', low: 0, high: 1 }],
]);

/** Log floats, log ints, stepped ints and floats, categoricals of strings and booleans. */
export const mixedSpace: SearchSpace = createSearchSpace([
  ['lr', { kind: 'float', low: 1e-5, high: 1, log: true }],
  ['hidden', { kind: 'int', low: 16, high: 512, log: true }],
  ['layers', { kind: 'int', low: 1, high: 4 }],
  ['dropout', { kind: 'float', low: 0, high: 0.5, step: 0.1 }],
  ['batch', { kind: 'int', low: 16, high: 250, step: 16 }],
  ['activation', { kind: 'categorical', choices: ['relu', 'tanh', 'gelu'] }],
  ['bias', { kind: 'categorical', choices: [true, false] }],
]);

/** optimizer → momentum; a conditional categorical (schedule) with its own child (decay_steps). */
export const nestedSpace: SearchSpace = createSearchSpace([
  ['optimizer', { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] }],
  ['lr', { kind: 'float', low: 1e-4, high: 0.3, log: true }],
  ['momentum', { kind: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } }],
  ['schedule', { kind: 'categorical', choices: ['cosine', 'step'], when: { optimizer: ['sgd', 'rmsprop'] } }],
  ['decay_steps', { kind: 'int', low: 10, high: 1000, log: true, when: { schedule: ['step'] } }],
  ['beta2', { kind: 'float', low: 0.9, high: 0.9999, when: { optimizer: ['adam'] } }],
]);

/** Named spaces the contract runs on. */
export const contractSpaces: ReadonlyArray<readonly [string, SearchSpace]> = [
  ['flat continuous', flatSpace],
  ['mixed log/int/step', mixedSpace],
  ['nested conditionals', nestedSpace],
];

/**
 * The problems of a config against a space (empty = valid): every active parameter present with a valid value,
 * no inactive or unknown parameter present (space/validateConfig.ts).
 */
export function configProblems(space: SearchSpace, config: Config): string[] {
  const r = validateConfig(space, config);
  return r.ok ? [] : r.error;
}

/** True when `config` is a valid, complete config of `space`. */
export function isInSpace(space: SearchSpace, config: Config): boolean {
  return configProblems(space, config).length === 0;
}

/** The request the study builds for trial `n` (rng forked from the study seed as `trial:<n>`, as study.ts does). */
export function requestFor(seed: number, n: number, pending: readonly Config[] = []): AskRequest {
  return { trialId: String(n), trialNumber: n, rng: createRng(seed).fork(`trial:${n}`), pending };
}

/** A deterministic synthetic loss; every fifth trial fails (loss null). */
function observe(n: number, config: Config): Observation {
  let loss = 0;
  for (const v of Object.values(config)) loss += typeof v === 'number' ? Math.abs(Math.log1p(Math.abs(v))) : String(v).length / 10;
  const failed = n % 5 === 4;
  return {
    trialId: String(n),
    trialNumber: n,
    config,
    budget: 1,
    loss: failed ? null : loss,
    status: failed ? 'failed' : 'completed',
  };
}

/** Runs ask → tell for trials 0..trials-1 (sequentially), returning every answer and the tells made. */
function drive(sampler: Sampler, seed: number, trials: number): { answers: AskResult[]; tells: Observation[] } {
  const answers: AskResult[] = [];
  const tells: Observation[] = [];
  for (let n = 0; n < trials; n++) {
    const answer = sampler.ask(requestFor(seed, n));
    answers.push(answer);
    if (answer.kind === 'suggest') {
      const o = observe(n, answer.config);
      sampler.tell(o);
      tells.push(o);
    }
  }
  return { answers, tells };
}

/** Registers the contract suite for one sampler factory. */
export function describeSamplerContract(name: string, factory: SamplerFactory, options: SamplerContractOptions = {}): void {
  const samplerOptions = options.samplerOptions ?? {};
  const trials = options.trials ?? 24;
  const exhaustible = options.exhaustible ?? false;
  const make = (space: SearchSpace, seed: number): Sampler => factory(space, samplerOptions, seed);

  describe(`sampler contract: ${name}`, () => {
    for (const [spaceName, space] of contractSpaces) {
      describe(spaceName, () => {
        it('suggests configs inside the space, with exactly the active parameters', () => {
          for (const seed of [1, 2, 3]) {
            const { answers } = drive(make(space, seed), seed, trials);
            expect(answers.length).toBe(trials);
            for (const answer of answers) {
              if (answer.kind === 'exhausted') {
                expect(exhaustible).toBe(true);
                expect(answer.reason.length).toBeGreaterThan(0);
                continue;
              }
              expect(configProblems(space, answer.config)).toEqual([]);
            }
          }
        });

        it('is deterministic for a fixed seed and tell sequence', () => {
          const a = drive(make(space, 11), 11, trials);
          const b = drive(make(space, 11), 11, trials);
          expect(b.answers).toEqual(a.answers);
        });

        it('rebuilds by replay: a fresh sampler fed the same tells gives the same next ask', () => {
          const live = make(space, 5);
          const { tells } = drive(live, 5, trials);
          const replayed = make(space, 5);
          for (const t of tells) replayed.tell(t);
          expect(replayed.ask(requestFor(5, trials))).toEqual(live.ask(requestFor(5, trials)));
        });

        it('accepts tells with loss null (failed trials) and keeps suggesting valid configs', () => {
          const sampler = make(space, 9);
          const first = sampler.ask(requestFor(9, 0));
          for (let n = 0; n < 6; n++) {
            const config = first.kind === 'suggest' ? first.config : {};
            sampler.tell({ trialId: String(n), trialNumber: n, config, budget: 1, loss: null, status: 'failed' });
          }
          const next = sampler.ask(requestFor(9, 6));
          if (next.kind === 'suggest') expect(configProblems(space, next.config)).toEqual([]);
          else expect(exhaustible).toBe(true);
        });

        it('accounts for pending configs without breaking validity', () => {
          const sampler = make(space, 4);
          const pending: Config[] = [];
          for (let n = 0; n < 8; n++) {
            const answer = sampler.ask(requestFor(4, n, pending));
            if (answer.kind === 'suggest') {
              expect(configProblems(space, answer.config)).toEqual([]);
              pending.push(answer.config);
            }
          }
        });
      });
    }

    it(exhaustible ? 'ends a finite space with a sticky exhausted answer' : 'keeps suggesting on a tiny space', () => {
      const tiny = createSearchSpace([
        ['mode', { kind: 'categorical', choices: ['a', 'b'] }],
        ['k', { kind: 'int', low: 1, high: 2, when: { mode: ['b'] } }],
      ]);
      const sampler = make(tiny, 3);
      const answers = drive(sampler, 3, 60).answers;
      const firstExhausted = answers.findIndex((a) => a.kind === 'exhausted');
      if (!exhaustible) {
        expect(firstExhausted).toBe(-1);
        return;
      }
      expect(firstExhausted).toBeGreaterThan(0);
      expect(answers.slice(firstExhausted).every((a) => a.kind === 'exhausted')).toBe(true);
      for (const a of answers.slice(0, firstExhausted)) {
        if (a.kind === 'suggest') expect(configProblems(tiny, a.config)).toEqual([]);
      }
    });
  });
}
