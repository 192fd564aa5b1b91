/** Runs the shared sampler contract against every sampler; a new sampler joins with one line. */
import { createGridSampler } from '../../../src/engine/samplers/grid';
import { createRandomSampler } from '../../../src/engine/samplers/random';
import { createSobolSampler } from '../../../src/engine/samplers/sobol';
import { describeSamplerContract } from '../../contracts/samplerContract';

describeSamplerContract('random', createRandomSampler);
describeSamplerContract('grid', createGridSampler, { samplerOptions: { grid_points: 3 }, exhaustible: true });
describeSamplerContract('grid (shuffled)', createGridSampler, { samplerOptions: { grid_points: 3, shuffle: true }, exhaustible: true });
describeSamplerContract('sobol', createSobolSampler);
describeSamplerContract('sobol (unscrambled)', createSobolSampler, { samplerOptions: { scramble: false } });
