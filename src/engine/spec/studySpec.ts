/**
 * A validated study file (`*.rung.yaml` / `*.rung.json`), after defaults are applied.
 * parseStudySpec() produces it; everything downstream trusts it.
 */
import type { MetricFormat } from '../metrics/metricParser';
import type { SlurmJobOptions } from '../runner/slurm';
import type { SearchSpace } from '../space/searchSpace';

export interface StudySpec {
  /** Study name: letters, digits, `.`, `_`, `-`; the folder name under the store root. */
  readonly name: string;
  /**
   * Command template as argv tokens. A string command is split like a shell would split words
   * (quotes respected) but never run through a shell. Tokens may hold placeholders:
   * `{param}`, `{args}` (a token of its own: expands to `--name=value` per active param), `{budget}`,
   * `{trial_id}`, `{trial_dir}`.
   */
  readonly command: readonly [string, ...string[]];
  /** Absolute working directory of trials (study file's folder unless `cwd:` says otherwise). */
  readonly cwd: string;
  /** Absolute path of the study file it came from (undefined for specs built in code). */
  readonly file?: string;
  /**
   * The file's document as plain JSON (keys as written, snake_case), stored in the event log so a resumed
   * study can tell whether its command, metric, parameters, sampler or scheduler changed.
   */
  readonly source?: unknown;
  readonly metric: {
    readonly name: string;
    readonly goal: 'minimize' | 'maximize';
    /** How metrics are read from output lines; default `{kind: 'auto'}`. */
    readonly format: MetricFormat;
  };
  readonly space: SearchSpace;
  readonly sampler: { readonly type: string; readonly options: Readonly<Record<string, unknown>> };
  readonly scheduler: {
    readonly type: string;
    /** Budget a trial runs to (`{budget}`, RUNG_BUDGET); fifo uses it as the only budget. */
    readonly maxBudget: number;
    readonly minBudget?: number;
    readonly options: Readonly<Record<string, unknown>>;
  };
  /** Number of trials to run (undefined: until the sampler is exhausted or `timeout`). */
  readonly trials?: number;
  /** Concurrent trials; `auto` resolves to one per GPU when gpus are requested, else one per CPU core. */
  readonly parallel: number | 'auto';
  /** Study wall-clock limit in seconds; running trials are stopped when it elapses. */
  readonly timeoutSeconds?: number;
  /** Study seed from the file; undefined: the runner picks one and records it in the event log. */
  readonly seed?: number;
  readonly launcher: LauncherSpec;
  readonly resources: { readonly gpusPerTrial: number };
}

/** Options every launcher has. */
interface LauncherCommon {
  /** Per-trial wall-clock limit in seconds. */
  readonly trialTimeoutSeconds?: number;
  /** Seconds between SIGTERM and SIGKILL when a trial is stopped. */
  readonly killGraceSeconds: number;
  /** Extra environment variables for every trial. */
  readonly env: Readonly<Record<string, string>>;
}

/** Where trials run: child processes here, or one Slurm job each (GPUs from `resources.gpusPerTrial`). */
export type LauncherSpec =
  | (LauncherCommon & { readonly type: 'local' })
  | (LauncherCommon & { readonly type: 'slurm'; readonly slurm: Omit<SlurmJobOptions, 'gpus'> });

/**
 * The study with another trial budget (`rung run --trials N`, or the budget a resumed study last ran with).
 * The `auto` sampler chooses by the trial count, so its options follow.
 */
export function withTrialBudget(spec: StudySpec, trials: number): StudySpec {
  const sampler = spec.sampler.type === 'auto' ? { ...spec.sampler, options: { ...spec.sampler.options, trials } } : spec.sampler;
  return { ...spec, trials, sampler };
}
