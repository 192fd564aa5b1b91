/** Simulated studies for tests: learning-curve fixtures, and the real runner wired to a virtual clock and the simulated launcher. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSimulatedLauncher, curveFromSpec, type CompiledCurve, type SimulatedLauncher, type SimulatedLauncherOptions } from '../../src/engine/runner/simulated';
import type { StudySpec } from '../../src/engine/spec/studySpec';
import { createVirtualClock, type VirtualClock } from '../../src/engine/util/virtualClock';
import { repoRoot, startStudy, type RunningStudy } from './studyFixture';

/** Loads and compiles `test/fixtures/curves/<name>.json`. */
export function loadCurveFamily(name: string): CompiledCurve {
  const file = path.join(repoRoot, 'test', 'fixtures', 'curves', `${name}.json`);
  return curveFromSpec(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

export interface SimulatedStudy extends RunningStudy {
  readonly clock: VirtualClock;
  readonly launcher: SimulatedLauncher;
}

/** A real study runner (real store in `dir/.rung`) whose launcher and clock are simulated. */
export function startSimulatedStudy(
  dir: string,
  written: { spec: StudySpec; file: string; text: string },
  launcherOptions: Omit<SimulatedLauncherOptions, 'clock'>,
): SimulatedStudy {
  const clock = createVirtualClock();
  const launcher = createSimulatedLauncher({ clock, ...launcherOptions });
  return { ...startStudy(dir, written, { launcher, clock }), clock, launcher };
}
