/**
 * Random search: every active parameter is drawn independently — uniform or log-uniform for floats (snapped
 * to `step`), uniform over the allowed values for ints (log-uniform over bins for log ints, Optuna's
 * convention), a uniform choice for categoricals. Bergstra & Bengio (2012), "Random Search for
 * Hyper-Parameter Optimization", JMLR 13, show it beats grid search when few parameters matter.
 *
 * All draws come from `AskRequest.rng`, which the study forks per trial number, so the config of trial n
 * depends only on the study seed and n — not on completion order or on `tell`s (which are ignored).
 */
import { createNumericCodec } from '../space/encode';
import { isActive } from '../space/searchSpace';
import type { Config, ParamValue, SearchSpace } from '../space/searchSpace';
import type { Rng } from '../util/rng';
import type { AskRequest, AskResult, Sampler, SamplerFactory } from './sampler';

type Drawer = (rng: Rng) => ParamValue | undefined;

/**
 * Returns a function that draws one config front to back in space order, including only the active
 * parameters. Exposed for samplers that need random candidates or a random start-up phase (TPE, GP).
 */
export function createConfigDrawer(space: SearchSpace): (rng: Rng) => Config {
  const drawers: Array<readonly [string, Drawer]> = [];
  for (const [name, spec] of space.params) {
    if (spec.kind === 'categorical') {
      drawers.push([name, (rng) => spec.choices[rng.int(spec.choices.length)]]);
    } else {
      const codec = createNumericCodec(spec);
      drawers.push([name, (rng) => codec.fromUnit(rng.next())]);
    }
  }
  return (rng) => {
    const config: Record<string, ParamValue> = {};
    for (const [name, draw] of drawers) {
      if (!isActive(space, name, config)) continue;
      const value = draw(rng);
      if (value !== undefined) config[name] = value;
    }
    return config;
  };
}

/** Builds the random sampler; it has no options and ignores `seed` (per-trial draws use `request.rng`). */
export const createRandomSampler: SamplerFactory = (space: SearchSpace): Sampler => {
  const draw = createConfigDrawer(space);
  return {
    name: 'random',
    ask(request: AskRequest): AskResult {
      return { kind: 'suggest', config: draw(request.rng) };
    },
    tell(): void {
      // Random search keeps no state.
    },
  };
};
