/**
 * The study file's structure, described once. The validator (checkStructure.ts) walks YAML nodes against
 * it for unknown keys, types, enums and ranges; studyFileJsonSchema() turns it into the JSON Schema the
 * editor uses for completion. Cross-field rules (low <= high, `when` parents, placeholders) live in
 * parseStudySpec.ts.
 *
 * Adding a sampler, scheduler or launcher = one entry in SAMPLERS / SCHEDULERS / LAUNCHERS.
 */
import { RESERVED_PLACEHOLDERS } from '../runner/commandTemplate';
import { DURATION_PATTERN } from './duration';

/** A key of a mapping in the study file. */
export interface Field {
  /** Shape of the value. */
  readonly type: FieldType;
  /** Shown in editor hovers and completions. */
  readonly description: string;
  /** Whether the key must be present. */
  readonly required?: boolean;
  /** Value used when the key is absent (also offered by the editor). */
  readonly default?: string | number | boolean;
}

export type Fields = Readonly<Record<string, Field>>;

/** One alternative of a `type:`-tagged mapping (a sampler, a scheduler, a parameter kind...). */
export interface TaggedVariant {
  /** Shown for the `type` value in the editor. */
  readonly description: string;
  /** Keys allowed besides `type` and the union's common fields. */
  readonly fields: Fields;
}

export type FieldType =
  | {
      readonly kind: 'string';
      /** Anchored ECMAScript regex. */
      readonly pattern?: string;
      /** Words for the pattern in error messages. */
      readonly patternHint?: string;
      readonly minLength?: number;
      readonly maxLength?: number;
    }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | {
      readonly kind: 'number';
      readonly integer?: boolean;
      readonly minimum?: number;
      readonly exclusiveMinimum?: number;
      readonly maximum?: number;
    }
  | { readonly kind: 'boolean' }
  /** A string, number or boolean. */
  | { readonly kind: 'scalar' }
  /** Seconds as a number, or a string like `90s`, `1h30m`. */
  | { readonly kind: 'duration'; readonly positive: boolean }
  | { readonly kind: 'list'; readonly items: FieldType; readonly minItems?: number }
  | { readonly kind: 'object'; readonly fields: Fields }
  /** A mapping with free keys (parameters, env, when). */
  | {
      readonly kind: 'map';
      readonly values: FieldType;
      /** Anchored regex every key must match. */
      readonly keyPattern?: string;
      /** Words for the key pattern in error messages. */
      readonly keyHint?: string;
      readonly minEntries?: number;
      /** Messages name an entry `<noun> "<key>"` (e.g. `parameter "lr"`). */
      readonly entryNoun?: string;
    }
  /** The first alternative whose shape (string, number, list, mapping...) fits the value is used. */
  | { readonly kind: 'anyOf'; readonly variants: readonly FieldType[] }
  /** A mapping with a `type:` key choosing the allowed keys; with `shorthand`, a bare type name is also accepted. */
  | {
      readonly kind: 'tagged';
      readonly variants: Readonly<Record<string, TaggedVariant>>;
      readonly common?: Fields;
      readonly shorthand: boolean;
      /** The variant used when a mapping has no `type:` key (e.g. `launcher: {kill_grace: 5}` is local). */
      readonly defaultType?: string;
      /** Messages name the mapping `<noun> "<type>"` (e.g. `sampler "grid"`). */
      readonly noun?: string;
    };

const positiveInt: FieldType = { kind: 'number', integer: true, minimum: 1 };
const positiveNumber: FieldType = { kind: 'number', exclusiveMinimum: 0 };

/** Sampler names and their options. Later samplers (cmaes, evolution) are one entry each. */
/** A study-file key (snake_case) as the engine's option objects spell it: `n_startup_trials` → `nStartupTrials`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export const SAMPLERS: Readonly<Record<string, TaggedVariant>> = {
  random: { description: 'Independent uniform draws (log-uniform for log parameters).', fields: {} },
  grid: {
    description: 'Every combination of each parameter\'s grid values (`values`, else `grid_points` evenly spaced points, else every value of an int or stepped float of at most 100 values).',
    fields: {
      grid_points: {
        type: { kind: 'number', integer: true, minimum: 1 },
        description: 'Grid points for numeric parameters that give neither `values` nor `grid_points` (without it, an int or stepped float of at most 100 values is walked whole and any other numeric parameter is an error).',
      },
      shuffle: { type: { kind: 'boolean' }, description: 'Visit the grid in a seeded random order.', default: false },
    },
  },
  sobol: {
    description: 'Scrambled Sobol quasi-random sequence: covers the space more evenly than random.',
    fields: {
      scramble: { type: { kind: 'boolean' }, description: 'Scramble the sequence with the study seed.', default: true },
    },
  },
  tpe: {
    description: 'Tree-structured Parzen estimator (Bergstra et al. 2011): models good and bad trials with kernel densities and samples where good/bad is highest.',
    fields: {
      n_startup_trials: { type: { kind: 'number', integer: true, minimum: 0 }, description: 'Random trials (completed or pruned) before the model is used.', default: 10 },
      n_ei_candidates: { type: positiveInt, description: 'Candidates drawn from the good density per parameter group and ask.', default: 24 },
      gamma: { type: { kind: 'number', exclusiveMinimum: 0, maximum: 1 }, description: 'Fraction of the trials in the good group: ceil(gamma · n), at most gamma_max.', default: 0.1 },
      gamma_max: { type: positiveInt, description: 'Largest size of the good group.', default: 25 },
      prior_weight: { type: positiveNumber, description: 'Weight of the flat prior kernel, relative to one trial.', default: 1 },
      multivariate: { type: { kind: 'boolean' }, description: 'Model the parameters that are active together jointly (one kernel over all of them) instead of one by one (false: univariate, Optuna 3.1\'s default).', default: true },
      constant_liar: { type: { kind: 'boolean' }, description: 'Count running trials as bad results so parallel trials spread out.', default: true },
      bandwidth: { type: { kind: 'enum', values: ['neighbour', 'scott'] }, description: 'Kernel width per numeric parameter: neighbour (the larger gap to the neighbouring observations, hyperopt/Optuna univariate) or scott (one width per group, the rule of the BOHB paper and of Optuna multivariate).', default: 'neighbour' },
      min_bandwidth: { type: { kind: 'number', minimum: 0, maximum: 1 }, description: 'Smallest kernel width as a fraction of the parameter\'s range.', default: 0.03 },
      magic_clip_exponent: { type: { kind: 'number', minimum: 0 }, description: 'Kernel widths are at least 1 / min(100, m + 1)^exponent of the range for m observations (1 = Optuna\'s magic clip).', default: 2 },
      weighting: { type: { kind: 'enum', values: ['ei', 'uniform'] }, description: 'Weights of the good trials\' kernels: ei (by how far each lies below the split, Watanabe 2023) or uniform (Optuna).', default: 'ei' },
      optuna_model_when_pruned: { type: { kind: 'boolean' }, description: 'Once trials get pruned (a stopping scheduler), model them with Optuna 3.1\'s settings (univariate, plain magic clip, uniform weights): the sharper defaults were validated on fully evaluated trials only.', default: true },
      conditional_split: { type: { kind: 'enum', values: ['group', 'global'] }, description: 'Good/bad split of a conditional parameter group: group (the best gamma of the trials where it was active, so a branch no top trial took still learns its own best values) or global (the best gamma of all trials, Optuna 3.1).', default: 'group' },
    },
  },
  gp: {
    description: 'Gaussian-process Bayesian optimisation (Matérn-5/2 ARD kernel, log expected improvement) after a Sobol start; best for ≤ 20 numeric parameters and ≤ a few hundred trials.',
    fields: {
      n_startup_trials: { type: positiveInt, description: 'Trials from the Sobol sequence before the GP is used (failed trials do not count).', default: 10 },
      n_candidates: { type: { kind: 'number', integer: true, minimum: 16 }, description: 'Candidate points scored per suggestion before local refinement.', default: 2048 },
      max_observations: { type: { kind: 'number', integer: true, minimum: 10 }, description: 'Most observations the GP is fitted to (the better half by loss plus the most recent); bounds the time per suggestion.', default: 200 },
      output_transform: { type: { kind: 'enum', values: ['auto', 'boxcox', 'standardize', 'log', 'rank'] }, description: "Warp of the losses before standardising: auto (a shifted log or none, whichever the GP's own marginal likelihood plus the warp's Jacobian prefers, chosen on at most 50 observations at every ask), boxcox (the same choice by an i.i.d. Box-Cox-style likelihood, the default before), standardize (none), log (tames heavy upper tails), rank (normal scores of the ranks).", default: 'auto' },
      additive: { type: { kind: 'boolean' }, description: 'Add a first-order additive part to the kernel (a sum of one-dimensional Matérn kernels sharing the length scales, Duvenaud et al. 2011) whose variance the fit chooses: it lets the GP learn each parameter\'s main effect from all trials, which pays on objectives made of per-parameter terms (most hyperparameter surfaces are dominated by main effects). false: the joint Matérn kernel alone.', default: true },
    },
  },
  bohb: {
    description:
      'BOHB (Falkner, Klein & Hutter 2018): a multivariate TPE model per budget, fitted on the largest budget with enough trials; pair it with scheduler: {type: hyperband, ...} (or use scheduler: bohb). 1/3 of the trials stay random.',
    fields: {
      min_points_in_model: {
        type: positiveInt,
        description: 'Trials a budget needs (completed or pruned there, or survivors past it) before its model is used; default: number of parameters + 1.',
      },
      random_fraction: { type: { kind: 'number', minimum: 0, maximum: 1 }, description: 'Fraction of the trials drawn at random even when a model exists.', default: 1 / 3 },
      gamma: { type: { kind: 'number', exclusiveMinimum: 0, maximum: 1 }, description: 'Fraction of a budget\'s trials in the good group: ceil(gamma · n).', default: 0.15 },
      n_ei_candidates: { type: positiveInt, description: 'Candidates drawn from the good density per parameter group and ask.', default: 64 },
      prior_weight: { type: positiveNumber, description: 'Weight of the flat prior kernel, relative to one trial.', default: 1 },
      multivariate: { type: { kind: 'boolean' }, description: 'One joint kernel over the parameters active together (the paper\'s KDE); false models them one by one.', default: true },
      constant_liar: { type: { kind: 'boolean' }, description: 'Count running trials as bad results so parallel trials spread out.', default: true },
    },
  },
  auto: {
    description:
      'The default: picks bohb with a sha/hyperband/asha scheduler, else gp for up to 8 numeric parameters and 100 trials, else multivariate tpe; the choice and why are logged with trial 0.',
    fields: {},
  },
  cmaes: {
    description:
      'CMA-ES (Hansen 2016) with IPOP restarts (Auger & Hansen 2005) on the always-active numeric parameters in the unit cube; categorical and conditional parameters are drawn at random. Best for continuous spaces and 100+ trials.',
    fields: {
      population_size: {
        type: { kind: 'number', integer: true, minimum: 2 },
        description: 'Candidates per generation (λ) of the first run; default 4 + floor(3 ln n) for n numeric parameters. IPOP doubles it at each restart.',
      },
      sigma0: { type: { kind: 'number', exclusiveMinimum: 0, maximum: 1 }, description: 'Initial step size, in units of each parameter\'s (log) range.', default: 0.3 },
      restarts: { type: { kind: 'boolean' }, description: 'Restart from a random point with twice the population when the search converges (IPOP).', default: true },
    },
  },
  evolution: {
    description:
      'Genetic algorithm (Goldberg 1989; TPOT\'s vocabulary): a random initial population, then generations of offspring by tournament selection, uniform crossover and per-gene mutation, and (mu + lambda) survivor selection.',
    fields: {
      population_size: { type: { kind: 'number', integer: true, minimum: 2 }, description: 'Individuals kept per generation (the initial population is this many random trials).', default: 20 },
      offspring_size: { type: positiveInt, description: 'Trials per generation after the first; default population_size.' },
      generations: { type: positiveInt, description: 'Generations of offspring after the initial population; then the sampler is exhausted (population_size + generations · offspring_size trials). Default: no cap.' },
      mutation_rate: { type: { kind: 'number', minimum: 0, maximum: 1 }, description: 'Probability that each inherited parameter is mutated (Gaussian step of 0.1 of its range for numbers, another choice for categoricals).', default: 0.2 },
      crossover_rate: { type: { kind: 'number', minimum: 0, maximum: 1 }, description: 'Probability that an offspring mixes two parents (uniform crossover) rather than copying one.', default: 0.5 },
      tournament_size: { type: positiveInt, description: 'Individuals drawn per tournament; the best becomes a parent (larger = greedier).', default: 3 },
      elitism: { type: { kind: 'number', integer: true, minimum: 0 }, description: 'Best individuals that always survive to the next generation; the other places are filled by tournaments (elitism = population_size is plain truncation).', default: 1 },
    },
  },
};

const ETA: Field = {
  type: { kind: 'number', exclusiveMinimum: 1 },
  description: 'Reduction factor: rungs sit at min_budget·eta^k (then max_budget), and about 1/eta of the trials at a rung go on to the next.',
  default: 3,
};

/** Options of `hyperband` and of its `bohb` shortcut. */
const HYPERBAND_FIELDS: Fields = {
  eta: ETA,
  async: {
    type: { kind: 'boolean' },
    description: 'true: asynchronous Hyperband (ASHA brackets, no slot waits); false: synchronous Hyperband over successive-halving brackets (promotion mode).',
    default: true,
  },
  mode: {
    type: { kind: 'enum', values: ['stopping', 'promotion'] },
    description:
      'With async: true, how each bracket\'s ASHA works: stopping (trials run to max_budget unless stopped at a rung; default) or promotion (trials pause at each rung and are relaunched with {budget}). Synchronous Hyperband is always promotion.',
  },
};

/**
 * Scheduler names and their options (besides the common budgets). `bohb` is a study-file shortcut: the parser
 * turns it into `hyperband` plus `sampler: bohb` (samplers/bohb.ts), so the scheduler registry has no entry for it.
 */
export const SCHEDULERS: Readonly<Record<string, TaggedVariant>> = {
  fifo: { description: 'No early stopping: every trial runs to max_budget.', fields: {} },
  median: {
    description:
      'Median stopping rule (Google Vizier): stops a trial whose best value so far is worse than the median of the other trials\' running averages at the same step.',
    fields: {
      min_trials: {
        type: positiveInt,
        description: 'Other trials that must have reached a step before a trial is judged there.',
        default: 3,
      },
      warmup_steps: {
        type: { kind: 'number', minimum: 0 },
        description: 'No trial is stopped at steps below this.',
        default: 0,
      },
    },
  },
  sha: {
    description:
      'Synchronous successive halving: a bracket of trials runs to the first rung; when all have ended the best 1/eta are relaunched with the next budget, up to max_budget. The command must use {budget} (and should resume from {trial_dir}).',
    fields: {
      eta: ETA,
      initial_trials: {
        type: positiveInt,
        description: 'Trials started in the first rung of each bracket (default eta^(rungs-1), so one reaches max_budget).',
      },
    },
  },
  hyperband: {
    description:
      'Hyperband: successive halving in several brackets, from many short trials to a few full-length ones. Asynchronous (ASHA in each bracket) by default.',
    fields: HYPERBAND_FIELDS,
  },
  asha: {
    description:
      'Asynchronous successive halving (ASHA): at each rung a trial goes on only while it is in the top 1/eta of the values recorded there so far; slots never wait.',
    fields: {
      eta: ETA,
      mode: {
        type: { kind: 'enum', values: ['stopping', 'promotion'] },
        description:
          'stopping: trials run to max_budget unless stopped at a rung (nothing asked of the script); promotion: trials pause at each rung and the best are relaunched with a larger {budget}.',
        default: 'stopping',
      },
    },
  },
  bohb: {
    description:
      'BOHB (Falkner et al. 2018): shortcut for scheduler hyperband (same options) with sampler bohb, which the sampler then defaults to. Runs as type hyperband.',
    fields: HYPERBAND_FIELDS,
  },
};

const SCHEDULER_COMMON: Fields = {
  max_budget: {
    type: positiveNumber,
    description: 'Budget (epochs, steps...) a trial runs to; the value of {budget} and RUNG_BUDGET.',
  },
  min_budget: {
    type: positiveNumber,
    description: 'Budget of the first rung (the grace period before any stop) for sha, hyperband and asha; default 1.',
  },
};

/** Options every launcher has. */
const LAUNCHER_COMMON: Fields = {
  trial_timeout: {
    type: { kind: 'duration', positive: true },
    description: 'Per-trial wall-clock limit: seconds, or a duration like 90s, 30m, 2h, 1h30m.',
  },
  kill_grace: {
    type: { kind: 'duration', positive: false },
    description: 'Seconds between SIGTERM and SIGKILL when a trial is stopped.',
    default: 10,
  },
  env: {
    type: { kind: 'map', values: { kind: 'scalar' }, keyPattern: '^[A-Za-z_][A-Za-z0-9_]*$', keyHint: 'ASCII letters, digits and _, not starting with a digit', entryNoun: 'variable' },
    description: 'Extra environment variables for every trial (numbers and booleans become strings).',
  },
};

/** A Slurm name (partition, account, QOS, GPU type): no spaces; commas allowed (a list of partitions). */
const slurmName: FieldType = { kind: 'string', minLength: 1, pattern: '^\\S+$', patternHint: 'characters other than spaces' };

/** Launcher names and their options. Later: ssh. */
export const LAUNCHERS: Readonly<Record<string, TaggedVariant>> = {
  local: {
    description: 'Run trials as child processes on this machine.',
    fields: LAUNCHER_COMMON,
  },
  slurm: {
    description:
      'Run every trial as its own Slurm job (salloc + srun from this machine, e.g. a login node; output streams back live). Needs the Slurm client here and the cwd and script on a filesystem the compute nodes share. GPUs: resources.gpus_per_trial, requested as --gres=gpu:N.',
    fields: {
      ...LAUNCHER_COMMON,
      partition: { type: slurmName, description: 'Partition (--partition), or a comma-separated list; default: the cluster\'s default partition.' },
      account: { type: slurmName, description: 'Account charged for the jobs (--account).' },
      qos: { type: slurmName, description: 'Quality of service (--qos).' },
      cpus_per_task: { type: positiveInt, description: 'CPU cores per trial (--cpus-per-task); default: the cluster\'s (usually 1).' },
      mem: {
        type: {
          kind: 'anyOf',
          variants: [
            { kind: 'number', integer: true, minimum: 0 },
            { kind: 'string', pattern: '^[0-9]+[KMGTkmgt]?$', patternHint: 'digits with an optional K, M, G or T suffix (e.g. 16G)' },
          ],
        },
        description: 'Memory per trial (--mem): megabytes, or with a K/M/G/T suffix like 16G; 0 is all of the node\'s memory.',
      },
      gpu_type: { type: slurmName, description: 'GPU model for resources.gpus_per_trial: --gres=gpu:<type>:N (e.g. a100).' },
      constraint: { type: { kind: 'string', minLength: 1 }, description: 'Node features the job needs (--constraint), e.g. "a100|h100".' },
      time: {
        type: { kind: 'duration', positive: true },
        description: 'Time limit of each job (--time): seconds, or a duration like 30m, 2h, 1h30m. Default: trial_timeout + kill_grace + 1 minute when trial_timeout is set, else the partition\'s default.',
      },
      extra_args: {
        type: {
          kind: 'list',
          items: { kind: 'string', pattern: '^-(?:[^-].*|-.+)$', patternHint: 'one option starting with "-", a value joined with "=" (e.g. --reservation=r1)' },
        },
        description: 'More salloc/sbatch-style options for every job, one per item in --name=value form (e.g. ["--reservation=r1", "--exclusive"]); they come last, so they override the ones above.',
      },
    },
  },
};

const WHEN: Field = {
  type: {
    kind: 'map',
    values: { kind: 'anyOf', variants: [{ kind: 'scalar' }, { kind: 'list', items: { kind: 'scalar' }, minItems: 1 }] },
    minEntries: 1,
    entryNoun: 'parent',
  },
  description:
    'Makes the parameter conditional: active only when each named categorical parent (declared earlier) has the value, or one of the listed values.',
};

function numericParamFields(integer: boolean): Fields {
  const bound: FieldType = { kind: 'number', integer };
  return {
    low: { type: bound, description: 'Smallest value (inclusive).', required: true },
    high: { type: bound, description: 'Largest value (inclusive).', required: true },
    log: { type: { kind: 'boolean' }, description: 'Sample uniformly in log space (needs low > 0; not with step).', default: false },
    step: {
      type: integer ? positiveInt : positiveNumber,
      description: integer ? 'Values are low + k*step (default 1).' : 'Values are low + k*step (a discretised float).',
    },
    values: {
      type: { kind: 'list', items: bound, minItems: 1 },
      description: 'Explicit values for the grid sampler (within [low, high]).',
    },
    grid_points: {
      type: { kind: 'number', integer: true, minimum: 2 },
      description: 'Number of evenly spaced grid points (log-spaced when log) for the grid sampler.',
    },
    when: WHEN,
  };
}

/** Parameter kinds. */
export const PARAMETER_TYPES: Readonly<Record<string, TaggedVariant>> = {
  float: { description: 'A real number in [low, high].', fields: numericParamFields(false) },
  int: { description: 'An integer in [low, high].', fields: numericParamFields(true) },
  categorical: {
    description: 'One of a list of choices.',
    fields: {
      choices: {
        type: { kind: 'list', items: { kind: 'scalar' }, minItems: 1 },
        description: 'The allowed values (strings, numbers or booleans), all different.',
        required: true,
      },
      flag: {
        type: { kind: 'boolean' },
        description:
          'An on/off option (argparse store_true, click is_flag): with choices [true, false], {args} passes `--name` for true and nothing for false, and a token that is only {name} becomes `--name` or is dropped. RUNG_PARAMS keeps true/false.',
        default: false,
      },
      when: WHEN,
    },
  },
};

/** Keys of `resources`. */
export const RESOURCE_FIELDS: Fields = {
  gpus_per_trial: { type: { kind: 'number', integer: true, minimum: 0 }, description: 'GPUs each trial needs (CUDA_VISIBLE_DEVICES names them; with launcher slurm they are requested from Slurm as --gres=gpu:N).', default: 0 },
};

/** Parameter names; also the syntax of a placeholder name. Kept in sync with PARAM_NAME_PATTERN. */
const PARAM_NAME = '^[A-Za-z_][A-Za-z0-9_.-]*$';

/** A metric's name as the scripts print it: also `recall@10`, `Acc@1`, `mAP@0.5:0.95` (top-k and threshold suffixes). */
const METRIC_NAME_TYPE = {
  kind: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_./@:-]*$',
  patternHint: 'ASCII letters, digits, "_", ".", "/", "-", "@" and ":", not starting with a digit',
} as const;

/** The whole study file. */
export const STUDY_FILE: Fields = {
  $schema: { type: { kind: 'string' }, description: 'JSON Schema of this file (for editors); ignored by Rung.' },
  name: {
    type: { kind: 'string', pattern: '^[A-Za-z0-9._-]+$', patternHint: 'ASCII letters, digits, ".", "_" and "-"', minLength: 1, maxLength: 100 },
    description: 'Study name: ASCII letters, digits, ".", "_" and "-" (1 to 100 characters); the folder name under .rung/.',
    required: true,
  },
  command: {
    type: {
      kind: 'anyOf',
      variants: [{ kind: 'string', minLength: 1 }, { kind: 'list', items: { kind: 'string' }, minItems: 1 }],
    },
    description: `The trial's command, run without a shell: a string split like shell words, or a list of arguments. Placeholders: {parameter}, ${RESERVED_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}; {{ and }} are literal braces. Leading NAME=value words set the trial's environment.`,
    required: true,
  },
  cwd: { type: { kind: 'string', minLength: 1 }, description: "Working directory of trials, relative to this file's folder.", default: '.' },
  metric: {
    type: {
      kind: 'anyOf',
      variants: [
        METRIC_NAME_TYPE,
        {
          kind: 'object',
          fields: {
            name: {
              type: METRIC_NAME_TYPE,
              description: 'Name of the metric the trial prints (e.g. val_loss).',
              required: true,
            },
            goal: { type: { kind: 'enum', values: ['minimize', 'maximize'] }, description: 'Whether lower or higher is better.', default: 'minimize' },
            pattern: {
              type: { kind: 'string', minLength: 1 },
              description: 'A JavaScript regular expression with a named group for the metric (and optionally one named step), for output that is not key=value or JSON.',
            },
          },
        },
      ],
    },
    description: 'The objective: a metric name (minimized), or {name, goal, pattern}.',
    required: true,
  },
  parameters: {
    type: {
      kind: 'map',
      values: { kind: 'tagged', variants: PARAMETER_TYPES, shorthand: false },
      keyPattern: PARAM_NAME,
      keyHint: 'ASCII letters, digits, "_", "." and "-", not starting with a digit, "." or "-"',
      minEntries: 1,
      entryNoun: 'parameter',
    },
    description: 'The search space, in order: a conditional parameter comes after its parents.',
    required: true,
  },
  sampler: {
    type: { kind: 'tagged', variants: SAMPLERS, shorthand: true, defaultType: 'auto', noun: 'sampler' },
    description: 'How configurations are chosen: a name, or {type, ...options}. Default auto: bohb, gp or tpe, picked from the space, trials and scheduler.',
    default: 'auto',
  },
  scheduler: {
    type: { kind: 'tagged', variants: SCHEDULERS, common: SCHEDULER_COMMON, shorthand: true, defaultType: 'fifo', noun: 'scheduler' },
    description: 'How trials are stopped early: a name, or {type, max_budget, min_budget, ...options}.',
    default: 'fifo',
  },
  budget: { type: positiveNumber, description: 'Shorthand for scheduler.max_budget.' },
  trials: { type: positiveInt, description: 'Number of trials to run (default: until the sampler is exhausted or timeout).' },
  parallel: {
    type: { kind: 'anyOf', variants: [positiveInt, { kind: 'enum', values: ['auto'] }] },
    description: 'Trials running at once, or "auto" (one per GPU when gpus_per_trial > 0, else one per CPU core).',
    default: 1,
  },
  timeout: {
    type: { kind: 'duration', positive: true },
    description: 'Study wall-clock limit: seconds, or a duration like 90s, 30m, 2h, 1h30m.',
  },
  seed: {
    type: { kind: 'number', integer: true, minimum: 0, maximum: 0xffffffff },
    description: 'Random seed (0 to 4294967295); when absent Rung picks one and records it.',
  },
  launcher: {
    type: { kind: 'tagged', variants: LAUNCHERS, shorthand: true, defaultType: 'local', noun: 'launcher' },
    description: 'Where trials run: a name, or {type, ...options}.',
    default: 'local',
  },
  resources: {
    type: { kind: 'object', fields: RESOURCE_FIELDS },
    description: 'What each trial needs.',
  },
};

/** JSON Schema (draft-07) of the study file, generated from STUDY_FILE; the build writes it to dist/rung-study.schema.json. */
export function studyFileJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://rung.dev/schema/rung-study.schema.json',
    title: 'Rung study',
    description: 'A hyperparameter tuning study for Rung (*.rung.yaml / *.rung.json).',
    ...objectSchema(STUDY_FILE),
  };
}

function objectSchema(
  fields: Fields,
  extraProperties: Record<string, unknown> = {},
  extraRequired: readonly string[] = [],
): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...extraProperties };
  const required: string[] = [...extraRequired];
  for (const [key, field] of Object.entries(fields)) {
    properties[key] = fieldSchema(field);
    if (field.required) required.push(key);
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

function fieldSchema(field: Field): Record<string, unknown> {
  return {
    ...typeSchema(field.type),
    description: field.description,
    ...(field.default !== undefined ? { default: field.default } : {}),
  };
}

function typeSchema(type: FieldType): Record<string, unknown> {
  switch (type.kind) {
    case 'string':
      return {
        type: 'string',
        ...(type.pattern !== undefined ? { pattern: type.pattern } : {}),
        ...(type.minLength !== undefined ? { minLength: type.minLength } : {}),
        ...(type.maxLength !== undefined ? { maxLength: type.maxLength } : {}),
      };
    case 'enum':
      return { type: 'string', enum: [...type.values] };
    case 'number':
      return {
        type: type.integer ? 'integer' : 'number',
        ...(type.minimum !== undefined ? { minimum: type.minimum } : {}),
        ...(type.exclusiveMinimum !== undefined ? { exclusiveMinimum: type.exclusiveMinimum } : {}),
        ...(type.maximum !== undefined ? { maximum: type.maximum } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'scalar':
      return { type: ['string', 'number', 'boolean'] };
    case 'duration':
      return {
        anyOf: [
          { type: 'number', ...(type.positive ? { exclusiveMinimum: 0 } : { minimum: 0 }) },
          { type: 'string', pattern: DURATION_PATTERN },
        ],
      };
    case 'list':
      return { type: 'array', items: typeSchema(type.items), ...(type.minItems !== undefined ? { minItems: type.minItems } : {}) };
    case 'object':
      return objectSchema(type.fields);
    case 'map':
      return {
        type: 'object',
        additionalProperties: typeSchema(type.values),
        ...(type.keyPattern !== undefined ? { propertyNames: { pattern: type.keyPattern } } : {}),
        ...(type.minEntries !== undefined ? { minProperties: type.minEntries } : {}),
      };
    case 'anyOf':
      return { anyOf: type.variants.map(typeSchema) };
    case 'tagged': {
      const names = Object.keys(type.variants);
      const variants = Object.entries(type.variants).map(([name, variant]) =>
        objectSchema(
          { ...(type.common ?? {}), ...variant.fields },
          { type: { const: name, description: variant.description } },
          name === type.defaultType ? [] : ['type'],
        ),
      );
      return {
        anyOf: [...(type.shorthand ? [{ type: 'string', enum: names }] : []), ...variants],
      };
    }
  }
}
