/**
 * Sampler lookup by the name used in the study file (`sampler: sobol`). Adding a sampler is one line in
 * `samplerFactories`; `createSampler` turns a factory's option errors into a Result for the spec parser.
 */
import type { SearchSpace } from '../space/searchSpace';
import { err, ok } from '../util/result';
import type { Result } from '../util/result';
import { createAutoSampler } from './auto';
import { createBohbSampler } from './bohb';
import { createCmaesSampler } from './cmaes/cmaesSampler';
import { createEvolutionSampler } from './evolution/evolutionSampler';
import { createGpSampler } from './gp/gpSampler';
import { createGridSampler } from './grid';
import { createRandomSampler } from './random';
import type { Sampler, SamplerFactory } from './sampler';
import { createSobolSampler } from './sobol';
import { createTpeSampler } from './tpe/tpeSampler';

/** Every sampler by its study-file name. */
export const samplerFactories: Readonly<Record<string, SamplerFactory>> = {
  random: createRandomSampler,
  grid: createGridSampler,
  sobol: createSobolSampler,
  gp: createGpSampler,
  tpe: createTpeSampler,
  bohb: createBohbSampler,
  auto: createAutoSampler,
  cmaes: createCmaesSampler,
  evolution: createEvolutionSampler,
};

/** Names accepted by `createSampler`, sorted. */
export function samplerNames(): string[] {
  return Object.keys(samplerFactories).sort();
}

/**
 * Builds the sampler named `type`. Errors (never thrown): an unknown type, listing the available ones; invalid
 * options or an incomplete space for that sampler (e.g. grid without `grid_points` for a numeric parameter).
 */
export function createSampler(
  type: string,
  space: SearchSpace,
  options: Readonly<Record<string, unknown>>,
  seed: number,
): Result<Sampler, string> {
  const factory = Object.hasOwn(samplerFactories, type) ? samplerFactories[type] : undefined;
  if (factory === undefined) {
    return err(`unknown sampler "${type}"; available: ${samplerNames().join(', ')}`);
  }
  try {
    return ok(factory(space, options, seed));
  } catch (e) {
    return err(`sampler ${type}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
