/** Runs the shared sampler contract against every sampler; a new sampler joins with one line. */
import { createAutoSampler } from '../../../src/engine/samplers/auto';
import { createBohbSampler } from '../../../src/engine/samplers/bohb';
import { createCmaesSampler } from '../../../src/engine/samplers/cmaes/cmaesSampler';
import { createEvolutionSampler } from '../../../src/engine/samplers/evolution/evolutionSampler';
import { createGpSampler } from '../../../src/engine/samplers/gp/gpSampler';
import { createGridSampler } from '../../../src/engine/samplers/grid';
import { createRandomSampler } from '../../../src/engine/samplers/random';
import { createSobolSampler } from '../../../src/engine/samplers/sobol';
import { createTpeSampler } from '../../../src/engine/samplers/tpe/tpeSampler';
import { describeSamplerContract } from '../../contracts/samplerContract';

describeSamplerContract('random', createRandomSampler);
describeSamplerContract('grid', createGridSampler, { samplerOptions: { grid_points: 3 }, exhaustible: true });
describeSamplerContract('grid (shuffled)', createGridSampler, { samplerOptions: { grid_points: 3, shuffle: true }, exhaustible: true });
describeSamplerContract('sobol', createSobolSampler);
describeSamplerContract('sobol (unscrambled)', createSobolSampler, { samplerOptions: { scramble: false } });
describeSamplerContract('gp', createGpSampler, { samplerOptions: { nStartupTrials: 5, nCandidates: 256 } });
describeSamplerContract('tpe', createTpeSampler, { exhaustible: true });
describeSamplerContract('tpe (multivariate)', createTpeSampler, { samplerOptions: { multivariate: true }, exhaustible: true });
describeSamplerContract('bohb', createBohbSampler, { exhaustible: true });
describeSamplerContract('bohb (model on every ask, univariate)', createBohbSampler, {
  samplerOptions: { min_points_in_model: 2, random_fraction: 0, multivariate: false },
  exhaustible: true,
});
describeSamplerContract('auto (no trial count: tpe)', createAutoSampler, { exhaustible: true });
describeSamplerContract('auto (50 trials: gp on numeric spaces)', createAutoSampler, { samplerOptions: { trials: 50, scheduler: 'fifo' }, exhaustible: true });
describeSamplerContract('auto (hyperband: bohb)', createAutoSampler, { samplerOptions: { trials: 50, scheduler: 'hyperband' }, exhaustible: true });
describeSamplerContract('cmaes', createCmaesSampler);
describeSamplerContract('evolution', createEvolutionSampler, { samplerOptions: { populationSize: 6 } });
describeSamplerContract('evolution (generations cap)', createEvolutionSampler, { samplerOptions: { populationSize: 4, generations: 3 }, exhaustible: true });
