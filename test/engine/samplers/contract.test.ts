/** Runs the shared sampler contract against every sampler; a new sampler joins with one line. */
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
