/**
 * "Tune This Script": turns what the static reader found in a training script (inspectScript.ts) into a
 * proposed study file — YAML text with comments that say where each choice came from — and a list of
 * plain-language notes on what could not be inferred. Pure: no I/O, so the CLI, the extension and tests
 * share it.
 *
 * The heuristics, by argument name (case-insensitive, `-`/`.` read as `_`; the dest and the option strings both, so
 * `--learning-rate` with `dest="alpha"` is a learning rate, and an exclusion by either name wins):
 * - learning rates, weight decay, alpha, eps, lambda, reg...: float, log scale, [default/30, default*30]
 *   clipped to sensible limits (lr <= 1), or a common range when there is no positive default;
 * - hidden/units/width/channels/dim...: int, log scale, [default/4, default*4];
 * - layers/depth/blocks: int, [default/2, default*2];
 * - batch size: categorical powers of two around the default (a batch size is usually one of those);
 * - dropout-like floats, and other floats with a default in [0.05, 1): linear from 0; momentum/beta-like: linear, symmetric in 1-x;
 * - `choices=` (or click.Choice, an Enum): categorical (more than 10 consecutive ints: an int range); value-taking booleans: categorical [true, false];
 * - epochs: not tuned but made the budget (`--epochs {budget}`, ASHA from 1 to the default);
 * - seeds, paths, devices, workers, logging, data splits and shapes: not tuned (they are not
 *   hyperparameters, or tuning them would change what the metric measures);
 * - on/off flags (store_true, is_flag): categorical [false, true] with `flag: true` (`--name` when true, nothing
 *   when false); flags on by default (store_false, `--x/--no-x`) are not tuned;
 * - anything else numeric: listed commented out with a guessed range, for the user to opt in.
 *
 * A Hydra script's config values (read by hydraConfig.ts) go through the same rules, named by their dotted paths
 * and passed as Hydra overrides (`optimizer.lr={optimizer.lr}`); a config group with several options is a
 * categorical, and its default option's values are conditional on it (see hydraArguments).
 */
import type { ScriptArgument, ScriptInspection, ScriptMetric, ScriptValue } from './inspectScript';
import type { HydraConfig, HydraGroup, HydraLeaf } from './hydraConfig';
import { RESERVED_PLACEHOLDERS } from '../runner/commandTemplate';
import { proposeOptunaStudy } from './proposeOptuna';
import { proposalHeader } from './proposalHeader';
import { commandWord as quotedCommandWord, oneLine, templateText, yamlKey, yamlNumber, yamlScalar, yamlString } from '../spec/yamlText';

/** Where the proposed study file goes relative to the script, and what it runs. */
export interface ProposeStudyOptions {
  /** The script as the command names it, relative to the trials' working directory (e.g. `train.py`). */
  readonly scriptFile: string;
  /** The study's `name:` (see studyNameFor). */
  readonly studyName: string;
  /** Program of the command; default `python3` (Rung runs it with the configured interpreter). */
  readonly program?: string;
  /** The study file's `cwd:` when the study file does not sit next to the script. */
  readonly cwd?: string;
}

/** One parameter of the proposed search space. */
export type ProposedParameter = {
  /** The parameter's name in the study file (the script's option without dashes). */
  readonly name: string;
  /** The script argument it sets. */
  readonly dest: string;
  /** Why this range: shown as the line's comment. */
  readonly reason: string;
  /** Active only when each parent has the value (or one of the values, a list) given. */
  readonly when?: Readonly<Record<string, ScriptValue | readonly (string | number | boolean)[]>>;
} & (
  | { readonly type: 'float' | 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step?: number }
  | { readonly type: 'categorical'; readonly choices: readonly (string | number | boolean)[]; readonly flag?: true }
);

/** The proposal: the study file's text and what the user should know about it. */
export interface StudyProposal {
  /** The study file (YAML with comments); parses with parseStudySpec. */
  readonly text: string;
  /** What could not be inferred or was left out, one plain sentence each (also in the file's header). */
  readonly notes: readonly string[];
  /** The tuned parameters, in file order. */
  readonly parameters: readonly ProposedParameter[];
  /** Parameters suggested but commented out (unrecognised numeric arguments). */
  readonly suggestions: readonly ProposedParameter[];
  readonly metric: { readonly name: string; readonly goal: 'minimize' | 'maximize'; readonly guessed: boolean };
  /** The argument used as the budget, when one was found. */
  readonly budget?: { readonly flag: string; readonly maxBudget: number };
  readonly scheduler: 'asha' | 'fifo';
  readonly command: string;
}

/** Hard limits of each family: a proposed range never leaves them. */
interface Family {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Range when there is no positive default. */
  readonly fallback: readonly [number, number];
}

const LOG_FAMILIES = {
  lr: { label: 'learning rate', min: 1e-7, max: 1, fallback: [1e-5, 1e-1] },
  decay: { label: 'weight decay', min: 1e-10, max: 1, fallback: [1e-6, 1e-1] },
  reg: { label: 'regularisation strength', min: 1e-10, max: 100, fallback: [1e-6, 1] },
  eps: { label: 'epsilon', min: 1e-12, max: 1, fallback: [1e-10, 1e-6] },
  // scikit-learn's C (SVC, LogisticRegression): the inverse of the regularisation strength.
  inverse: { label: 'inverse regularisation strength (C)', min: 1e-6, max: 1e6, fallback: [0.01, 100] },
} as const satisfies Record<string, Family>;

type Category =
  | { readonly kind: 'seed' }
  | { readonly kind: 'budget' }
  | { readonly kind: 'length' }
  | { readonly kind: 'setting'; readonly why: string }
  | { readonly kind: 'lr' | 'decay' | 'reg' | 'eps' | 'inverse' }
  | { readonly kind: 'hidden' | 'layers' | 'batch' | 'sample' | 'dropout' | 'momentum' | 'mix' }
  | { readonly kind: 'other' };

const EPOCH_NAMES = /^(?:n_|num_|max_|total_|train_|nb_|n)?(?:train_|training_)?epochs?$|^epochs?_(?:num|count)$/;
// Boosting rounds too (num_boost_round, num_rounds): with early stopping they are a cap, not a hyperparameter.
const LENGTH_NAMES = /^(?:n_|num_|max_|total_|train_|nb_)?(?:steps|iters?|iterations|updates|train_steps|training_steps|rounds?|boost_rounds?|boosting_rounds?)$|^max_iter$/;

/**
 * The category of an argument from its (normalised) name and type. Order matters: the exclusions come
 * first, so `eval_batch_size` is a setting, not a batch size, and `seed_lr` is never tuned.
 */
function categorize(arg: ScriptArgument, norm: string, tokens: ReadonlySet<string>): Category {
  const has = (...words: string[]): boolean => words.some((w) => tokens.has(w));
  const numeric = arg.type === 'int' || arg.type === 'float';
  if (has('seed') || norm === 'random_state' || norm === 'rng') return { kind: 'seed' };
  if (EPOCH_NAMES.test(norm)) return { kind: 'budget' };
  if (LENGTH_NAMES.test(norm)) return { kind: 'length' };
  if (arg.type === 'path' || (!numeric && has('dir', 'path', 'file', 'root', 'data', 'dataset', 'output', 'out', 'checkpoint', 'ckpt', 'resume', 'load', 'config', 'cfg', 'cache', 'url', 'pretrained', 'weights', 'logdir'))) {
    return { kind: 'setting', why: 'a path' };
  }
  // per_device_train_batch_size is a batch size, not a hardware setting.
  if (has('device', 'devices', 'gpu', 'gpus', 'cuda', 'cpu', 'tpu', 'mps', 'accelerator', 'rank', 'world', 'backend', 'nodes', 'distributed', 'ddp', 'amp', 'fp16', 'bf16') && !has('batch')) {
    return { kind: 'setting', why: 'hardware' };
  }
  // nthread: XGBoost's and LightGBM's own name for the thread count.
  if (has('workers', 'worker', 'jobs', 'threads', 'nthread', 'nthreads', 'nproc', 'procs', 'prefetch', 'pin') || norm === 'j') return { kind: 'setting', why: 'parallelism' };
  if (has('eval', 'val', 'valid', 'validation', 'test', 'inference', 'predict') && has('batch', 'bs')) return { kind: 'setting', why: 'evaluation only' };
  if (
    has('log', 'logging', 'verbose', 'verbosity', 'quiet', 'debug', 'print', 'wandb', 'tensorboard', 'tb', 'project', 'exp', 'experiment', 'tag', 'tags', 'notes', 'dry', 'profile', 'progress', 'plot', 'save', 'every', 'freq', 'frequency', 'interval') ||
    norm === 'name' ||
    norm === 'run_name'
  ) {
    return { kind: 'setting', why: 'logging or bookkeeping' };
  }
  // `ratio` alone is no split: l1_ratio, mlp_ratio, warmup_ratio and mask_ratio are hyperparameters.
  const splitLike = has('ratio', 'frac', 'fraction') && (tokens.size === 1 || has('train', 'val', 'valid', 'validation', 'test', 'eval', 'dev', 'data', 'subset', 'sample'));
  // min_samples_split (trees), min_split_gain (LightGBM), min_split_loss (XGBoost): when a node splits, not the data.
  const nodeSplit = has('split') && has('min', 'samples', 'gain', 'loss');
  if ((has('split', 'holdout') && !nodeSplit) || splitLike || /^(?:test|val|valid|validation|train)_size$/.test(norm)) {
    return { kind: 'setting', why: 'a data split: tuning it would change what the metric measures' };
  }
  if (has('folds', 'fold', 'kfold', 'cv') || norm === 'n_splits') return { kind: 'setting', why: 'cross-validation folds: tuning them would change what the metric measures' };
  if (has('patience') || (has('early') && has('stopping', 'stop'))) return { kind: 'setting', why: 'early stopping: when to stop, not how to train' };
  // in_/out_ only at the start (in_channels, out_features): min_data_in_leaf is a hyperparameter.
  if (arg.type === 'int' && (has('classes', 'vocab', 'seq', 'len', 'length', 'image', 'img', 'resolution', 'context', 'input') || /^(?:in|out)_/.test(norm) || norm === 'num_labels' || norm === 'block_size')) {
    return { kind: 'setting', why: 'a data shape' };
  }
  if (!numeric) return { kind: 'other' };
  // eta/eta0: the learning rate of XGBoost and of scikit-learn's SGD models (an int eta is Hyperband's factor).
  const lrLike = has('lr') || /learning_?rate|learningrate/.test(norm) || (arg.type === 'float' && (norm === 'eta' || norm === 'eta0'));
  // lr_decay, min_lr, warmup_lr, lr_step...: schedule settings, not the learning rate itself.
  if (lrLike && has('decay', 'gamma', 'step', 'factor', 'warmup', 'min', 'max', 'patience', 'schedule', 'scheduler', 'drop')) return { kind: 'other' };
  if (lrLike) return { kind: 'lr' };
  if (norm === 'wd' || /weight_?decay/.test(norm) || (has('decay') && !has('rate', 'gamma'))) return { kind: 'decay' };
  if (has('eps', 'epsilon')) return { kind: 'eps' };
  if (norm === 'c' && arg.type === 'float') return { kind: 'inverse' };
  // Elastic net's l1_ratio (scikit-learn's ElasticNet, SGD, LogisticRegression): the L1 share, in [0, 1].
  if (has('l1', 'l2') && has('ratio', 'mix', 'mixing', 'share', 'fraction', 'frac')) return { kind: 'mix' };
  // XGBoost's min_child_weight (LightGBM's min_sum_hessian_in_leaf): the least hessian in a leaf, a regulariser on a log scale.
  if (has('alpha', 'lambda', 'lam', 'reg', 'regularization', 'regularisation', 'l1', 'l2', 'penalty') || norm === 'min_child_weight' || norm === 'min_sum_hessian_in_leaf') return { kind: 'reg' };
  if (has('batch', 'bs', 'batchsize') || norm === 'batch_size') return { kind: 'batch' };
  // layer_sizes / layer_width: the width of each layer, not how many.
  if (has('layers', 'layer') && has('size', 'sizes', 'width', 'widths', 'units', 'dim', 'dims')) return { kind: 'hidden' };
  if (has('layers', 'layer', 'depth', 'blocks', 'block', 'stages')) return { kind: 'layers' };
  // Row/column sampling of boosted trees and forests: in (0, 1], where 1 (no sampling) is a common best. Before the
  // sizes: a float max_features (scikit-learn's forests) is a fraction of the features, not a count.
  if (arg.type === 'float' && (has('subsample', 'colsample', 'bytree', 'bylevel', 'bynode') || /^(?:feature|bagging)_fraction$|^max_(?:samples|features)$/.test(norm))) {
    return { kind: 'sample' };
  }
  if (has('hidden', 'units', 'width', 'channels', 'filters', 'dim', 'neurons', 'features', 'embed', 'embedding', 'd_model', 'ffn', 'mlp', 'estimators', 'trees', 'leaves') || (arg.type === 'int' && has('leaf')) || norm === 'd_model') {
    return { kind: 'hidden' };
  }
  if (has('dropout', 'drop', 'smoothing', 'mixup', 'cutmix', 'p')) return { kind: 'dropout' };
  if (has('momentum', 'beta', 'beta1', 'beta2', 'ema', 'rho')) return { kind: 'momentum' };
  return { kind: 'other' };
}

/** `--Batch-Size` → `batch_size`. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-.]/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * The names an argument goes by, normalised: its dest and its option strings. They often differ
 * (`add_argument("--learning-rate", dest="alpha")`, click's `option("--lr", "learning_rate")`), and the option is
 * what the user chose to show. One-letter options (`-l`) say nothing; `--no-x` is the off form of another name.
 */
function namesOf(arg: ScriptArgument): string[] {
  // A Hydra value goes by its own key and by that key with its parent's (`trainer.max_epochs`: max_epochs, the
  // budget; `eval.batch_size`: eval_batch_size, not tuned). Not by the whole path: `net.block.dropout` is no depth.
  // LightningCLI's `--model.learning_rate` likewise.
  if (arg.source === 'hydra' || arg.source === 'lightning') {
    const parts = arg.dest.split('.');
    return [...new Set([normalise(parts.slice(-1).join('_')), normalise(parts.slice(-2).join('_'))])];
  }
  const options = arg.flags.filter((f) => !f.startsWith('--no-')).map((f) => normalise(f.replace(/^-+/, '')));
  return [...new Set([normalise(arg.dest), ...options])].filter((n) => n.length >= 2 || n === normalise(arg.dest));
}

function wordsOf(norm: string): Set<string> {
  return new Set(norm.split('_').filter((t) => t !== ''));
}

/** The order categorize tries the categories in: when an argument's names disagree, the earliest wins. */
const CATEGORY_ORDER: readonly Category['kind'][] = ['seed', 'budget', 'length', 'setting', 'lr', 'decay', 'eps', 'inverse', 'mix', 'reg', 'batch', 'layers', 'hidden', 'sample', 'dropout', 'momentum', 'other'];

/** The category of an argument from all its names (see namesOf): an exclusion by any name keeps it untuned. */
function categorizeArgument(arg: ScriptArgument): Category {
  if (arg.source === 'hydra' || arg.source === 'lightning') {
    // By the key itself; its parent's name only to leave it out (`eval.batch_size`, `dataset.seed`).
    const [own, withParent] = namesOf(arg);
    const category = categorize(arg, own ?? '', wordsOf(own ?? ''));
    const context = withParent !== undefined ? categorize(arg, withParent, wordsOf(withParent)) : undefined;
    return context !== undefined && (context.kind === 'seed' || context.kind === 'setting') ? context : category;
  }
  let best: Category = { kind: 'other' };
  for (const norm of namesOf(arg)) {
    const category = categorize(arg, norm, wordsOf(norm));
    if (CATEGORY_ORDER.indexOf(category.kind) < CATEGORY_ORDER.indexOf(best.kind)) best = category;
  }
  return best;
}

/** Rounds to two significant digits (bounds are guesses; 3.3e-5 reads better than 3.3333e-5). */
function nice(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(2));
}

function numericDefault(arg: ScriptArgument): number | undefined {
  const d = arg.default;
  return typeof d === 'number' && Number.isFinite(d) ? d : undefined;
}

interface Range {
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly why: string;
}

/** The range of a recognised numeric argument (undefined: leave it out). */
function rangeFor(kind: Category['kind'], arg: ScriptArgument): Range | { readonly choices: readonly number[]; readonly why: string } | undefined {
  const d = numericDefault(arg);
  const shown = shownDefault(arg);
  const defaultPart = shown !== undefined ? `default ${shown}` : 'no default';
  switch (kind) {
    case 'lr':
    case 'decay':
    case 'reg':
    case 'eps':
    case 'inverse': {
      const family: Family = LOG_FAMILIES[kind];
      if (d !== undefined && d > 0) {
        const high = Math.min(nice(d * 30), Math.max(family.max, d));
        const low = Math.max(nice(d / 30), Math.min(family.min, d));
        return { low, high, log: true, why: `${defaultPart}; ${family.label}: log scale, default ÷30 to ×30` };
      }
      const [low, high] = family.fallback;
      return { low, high, log: true, why: `${defaultPart}; a common ${family.label} range, log scale${d === 0 ? ' (0 itself is not on a log scale)' : ''}` };
    }
    case 'hidden': {
      if (d !== undefined && d >= 1) {
        return { low: Math.max(1, Math.floor(d / 4)), high: Math.max(Math.round(d * 4), 4), log: true, why: `${defaultPart}; a size: log scale, ÷4 to ×4` };
      }
      return { low: 16, high: 512, log: true, why: `${defaultPart}; a size: a common range, log scale` };
    }
    case 'layers': {
      if (d !== undefined && d >= 1) {
        const base = Math.round(d);
        return { low: Math.max(1, Math.ceil(base / 2)), high: Math.max(base * 2, base + 2), log: false, why: `${defaultPart}; a depth: ÷2 to ×2` };
      }
      return { low: 1, high: 4, log: false, why: `${defaultPart}; a depth: a common range` };
    }
    case 'batch': {
      if (d !== undefined && d >= 1) {
        const k = Math.round(Math.log2(d));
        const powers: number[] = [];
        for (let e = Math.max(0, k - 2); e <= k + 2; e++) powers.push(2 ** e);
        const base = Math.round(d);
        const choices = powers.includes(base) ? powers : [...powers, base].sort((a, b) => a - b);
        return { choices, why: `${defaultPart}; batch sizes: powers of two around it` };
      }
      return { choices: [16, 32, 64, 128, 256], why: `${defaultPart}; batch sizes: common powers of two` };
    }
    case 'sample': {
      const low = d !== undefined && d > 0 && d < 0.5 ? nice(d) : 0.5;
      return { low, high: 1, log: false, why: `${defaultPart}; a sampling fraction in (0, 1]: ${low} to 1 (1 = no sampling)` };
    }
    case 'dropout': {
      if (d !== undefined && d >= 0 && d < 1) {
        const high = d >= 0.9 ? 0.99 : Math.min(0.9, Math.max(0.5, nice(d * 2)));
        return { low: 0, high, log: false, why: `${defaultPart}; a rate in [0, 1)` };
      }
      return { low: 0, high: 0.5, log: false, why: `${defaultPart}; a rate: a common range` };
    }
    case 'mix':
      return { low: 0, high: 1, log: false, why: `${defaultPart}; a mixing weight in [0, 1] (elastic net's L1 share)` };
    case 'momentum': {
      if (d !== undefined && d > 0 && d < 1) {
        // Symmetric in 1 - x: 0.9 → [0, 0.99], 0.999 → [0.99, 0.9999].
        const low = Math.max(0, 1 - nice((1 - d) * 10));
        const high = 1 - nice((1 - d) / 10);
        return { low: Math.min(low, d), high: Math.max(high, d), log: false, why: `${defaultPart}; a momentum-like factor: 1 - x from ×10 to ÷10` };
      }
      return { low: 0.5, high: 0.99, log: false, why: `${defaultPart}; a momentum-like factor: a common range` };
    }
    case 'other': {
      // Not for a small default (tol=1e-3, temperature=0.01): a linear range from 0 to 0.5 would put nearly
      // every trial far above it (and some at 0); those get a commented-out log-scale suggestion instead.
      if (arg.type === 'float' && d !== undefined && d >= 0.05 && d < 1) {
        const high = d >= 0.9 ? 0.99 : Math.min(0.9, Math.max(0.5, nice(d * 2)));
        return { low: 0, high, log: false, why: `${defaultPart}; a fraction in (0, 1): linear range from 0 (a guess)` };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The default as written (`1e-3`) when that is a number, else its value and source (`0.0003 (DEFAULT_LR)`). */
function shownDefault(arg: ScriptArgument): string | undefined {
  const d = numericDefault(arg);
  const text = arg.defaultText ?? undefined;
  if (d === undefined) return text;
  if (text === undefined || Number(text) === d) return text ?? String(d);
  return `${d} (${text})`;
}

/** A commented-out suggestion for a numeric argument Rung does not recognise. */
function suggestionFor(arg: ScriptArgument): Range | undefined {
  const d = numericDefault(arg);
  if (d === undefined || d <= 0) return undefined;
  const shown = shownDefault(arg) ?? String(d);
  if (arg.type === 'int') {
    const base = Math.round(d);
    if (base < 1) return undefined;
    return { low: Math.max(1, Math.ceil(base / 2)), high: Math.max(base * 2, base + 1), log: base >= 4, why: `default ${shown}; ÷2 to ×2 (a guess)` };
  }
  return { low: nice(d / 10), high: nice(d * 10), log: true, why: `default ${shown}; ÷10 to ×10, log scale (a guess)` };
}

/** Applies click/typer bounds, keeps the default inside, and rounds int bounds; undefined when nothing is left. */
function fitRange(range: Range, arg: ScriptArgument, integer: boolean): Range | undefined {
  let { low, high } = range;
  const d = numericDefault(arg);
  if (d !== undefined && (!range.log || d > 0)) {
    low = Math.min(low, d);
    high = Math.max(high, d);
  }
  if (arg.min !== undefined) low = Math.max(low, arg.min);
  if (arg.max !== undefined) high = Math.min(high, arg.max);
  if (integer) {
    low = Math.ceil(low);
    high = Math.floor(high);
  }
  if (range.log && low <= 0) low = integer ? 1 : high / 1000;
  if (!(low < high)) return undefined;
  return { ...range, low, high };
}

/** What became of one argument. */
/** How a tuned parameter reaches the script: an option (the default), an environment variable, a word of sys.argv, or one value of a list option. */
type Render =
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'hydra'; readonly key: string }
  | { readonly kind: 'rung' }
  | { readonly kind: 'positional'; readonly index: number }
  | { readonly kind: 'list'; readonly dest: string; readonly append: boolean };

type Outcome =
  | { readonly kind: 'tuned'; readonly param: ProposedParameter; readonly flag: string | undefined; readonly render?: Render }
  | { readonly kind: 'tunedList'; readonly params: readonly ProposedParameter[]; readonly flag: string; readonly append: boolean }
  | { readonly kind: 'suggested'; readonly param: ProposedParameter }
  | { readonly kind: 'budget' }
  | { readonly kind: 'skipped' };

interface Context {
  readonly settings: string[];
  readonly flags: string[];
  readonly strings: string[];
  readonly unknown: string[];
  readonly lists: string[];
  readonly lengths: string[];
  readonly noRange: string[];
  /** `arg`: the option it is, to put it on its side of the sub-command's name (see subcommandLevelOf). */
  /** `trialDir`: the value is {trial_dir} (an output folder), not a placeholder to replace. */
  /** `switchOn`: an on/off flag the script needs (HF's --do_train), passed as is: no value to replace. */
  readonly required: { readonly tokens: readonly string[]; readonly label: string; readonly arg: ScriptArgument; readonly trialDir?: true; readonly switchOn?: true }[];
  /** Words of sys.argv the script reads that are not tuned: a default to pass on, or a placeholder. */
  readonly argv: { readonly index: number; readonly word: string; readonly needed: boolean }[];
  readonly suggestions: ProposedParameter[];
  /** An epochs-like setting read from Rung's params(), which cannot carry the budget. */
  rungBudget?: string;
}

/** `--lr` (the option a user would type) for notes; `$LR` for an environment variable, `sys.argv[1] (lr)` for a word. */
function label(arg: ScriptArgument): string {
  if (arg.source === 'rung') return `params()["${arg.dest}"]`;
  if (arg.env !== undefined) return `$${arg.env}`;
  if (arg.argvIndex !== undefined) return `sys.argv[${arg.argvIndex}] (${arg.dest})`;
  return arg.flags.find((f) => f.startsWith('--')) ?? arg.flags[0] ?? arg.dest;
}

/** A required output folder (HF's --output_dir): each trial gets its own, {trial_dir}. */
// work_dir: flax's examples (--workdir, required), MMDetection's (--work-dir).
const OUTPUT_DIR_NAMES = /^(?:output|out|save|checkpoint|ckpt|model|log|logging|run|results?|work)_?dir$|^outdir$|^output_path$/;

/**
 * An output folder with a default (`--output_dir runs/exp`, `--save-dir checkpoints`): one folder for all trials,
 * where parallel ones overwrite each other's checkpoints and a later one may resume from an earlier one's. Not
 * `model_dir`, which is as often where a model is read from.
 */
const DEFAULTED_OUTPUT_DIR_NAMES = /^(?:output|out|save|checkpoint|ckpt|log|logging|run|results?|work)_?dir$|^outdir$|^output_path$/;

/** The parameter name: the long option without dashes (so `{args}` renders an option the script accepts). */
function paramName(arg: ScriptArgument): { name: string; flag: string | undefined } {
  if (arg.env !== undefined) return { name: arg.env.toLowerCase(), flag: undefined };
  const long = arg.flags.filter((f) => f.startsWith('--') && !f.startsWith('--no-'));
  const exact = long.find((f) => normalise(f.slice(2)) === normalise(arg.dest)) ?? long[0];
  if (exact !== undefined && PARAM_NAME.test(exact.slice(2))) return { name: exact.slice(2), flag: exact };
  const cleaned = arg.dest.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z_]+/, '');
  return { name: cleaned === '' ? 'param' : cleaned, flag: arg.flags[0] };
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Words of on/off flags that change what a run does (evaluate only, skip training...), not how it trains. */
const FLAG_SETTING_WORDS = new Set([
  'eval', 'evaluate', 'evaluation', 'test', 'testing', 'val', 'validate', 'predict', 'inference', 'infer', 'export', 'only', 'skip', 'no',
  'overwrite', 'force', 'download', 'deterministic', 'benchmark', 'compile', 'resume', 'sync', 'offline', 'show', 'display', 'visualize',
  'vis', 'viz', 'check', 'reset', 'clean', 'demo', 'interactive', 'fast', 'smoke', 'tiny', 'quick', 'dev',
  // Fake data instead of the real one (the PyTorch ImageNet example's --dummy): the metric would mean nothing.
  'dummy', 'fake', 'synthetic', 'mock', 'sanity', 'toy',
]);

function metavarOf(arg: ScriptArgument): string {
  const base = arg.metavar ?? arg.dest;
  const upper = base.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return upper === '' ? 'VALUE' : upper;
}

/**
 * How many words of a `pathLength`-word sub-command come before `arg` on the command line: argparse and click
 * read a parser's (group's) options only between its name and the next sub-command's name.
 */
export function subcommandLevelOf(arg: ScriptArgument, pathLength: number): number {
  if (pathLength === 0) return 0;
  if (arg.subcommandLevel !== undefined) return Math.min(arg.subcommandLevel, pathLength);
  return arg.beforeSubcommand === true ? 0 : pathLength;
}

function classify(arg: ScriptArgument, ctx: Context): Outcome {
  const category = categorizeArgument(arg);
  // The words of all its names: `--eval-only` with dest="mode" still switches what the script does.
  const tokens = new Set(namesOf(arg).flatMap((n) => [...wordsOf(n)]));
  const who = label(arg);

  // A required option Rung tunes (`--lr` with no default, required=True) is passed by {args}: no placeholder.
  const tunable = ['budget', 'lr', 'decay', 'reg', 'eps', 'inverse', 'mix', 'hidden', 'layers', 'batch', 'sample', 'dropout', 'momentum'].includes(category.kind) || (arg.choices?.length ?? 0) >= 2;
  const untunedRequired = arg.required && !arg.hasDefault && !(tunable && !arg.flag && arg.nargs === null);
  if (arg.argvIndex !== undefined && untunedRequired) {
    // A word the script always reads: a placeholder in its place, said in the notes.
    ctx.argv.push({ index: arg.argvIndex, word: metavarOf(arg), needed: true });
    return { kind: 'skipped' };
  }
  if (arg.env !== undefined && untunedRequired) {
    ctx.settings.push(`${who} (read with os.environ[...] and no default: set it in launcher: {env: {${arg.env}: ...}})`);
    return { kind: 'skipped' };
  }
  if (
    arg.argvIndex === undefined &&
    arg.env === undefined &&
    !arg.positional &&
    !arg.flag &&
    arg.nargs === null &&
    arg.hasDefault &&
    typeof arg.default === 'string' &&
    arg.default !== '' &&
    who.startsWith('-') &&
    namesOf(arg).some((n) => DEFAULTED_OUTPUT_DIR_NAMES.test(n))
  ) {
    // A folder in the trial's, named as the default's last part: Rung has made {trial_dir} already, and scripts
    // often create theirs with os.makedirs(dir), which fails on a folder that exists.
    const base = arg.default.replace(/[\\/]+$/, '').split(/[\\/]/).pop()?.replace(/[^A-Za-z0-9_.-]/g, '') ?? '';
    const sub = base === '' || /^\.+$/.test(base) ? normalise(arg.dest).replace(/[^A-Za-z0-9_]/g, '') || 'output' : base;
    // nanoGPT's configurator reads only `--name=value` words.
    const tokens = arg.source === 'configurator' ? [`${who}={trial_dir}/${sub}`] : [who, `{trial_dir}/${sub}`];
    ctx.required.push({ tokens, label: `${who} (default ${arg.default}: one folder for all trials)`, arg, trialDir: true });
    return { kind: 'skipped' };
  }
  if (arg.argvIndex === undefined && (arg.positional || untunedRequired)) {
    if (!arg.positional && arg.required && !arg.hasDefault && namesOf(arg).some((n) => OUTPUT_DIR_NAMES.test(n))) {
      ctx.required.push({ tokens: [who, '{trial_dir}'], label: who, arg, trialDir: true });
      return { kind: 'skipped' };
    }
    if (arg.required && !arg.hasDefault && arg.flag && !arg.positional) {
      // An on/off flag the script needs on (HF's --do_train, read by `if training_args.do_train:`): passed as is.
      ctx.required.push({ tokens: [who], label: who, arg, switchOn: true });
      return { kind: 'skipped' };
    }
    if (arg.required && !arg.hasDefault) {
      const value = metavarOf(arg);
      const tokensFor = arg.positional ? [value] : [who, value];
      ctx.required.push({ tokens: tokensFor, label: arg.positional ? `the positional argument ${arg.dest}` : who, arg });
    }
    return { kind: 'skipped' };
  }
  if (category.kind === 'budget' && (arg.type === 'int' || arg.type === 'float' || arg.type === null)) return { kind: 'budget' };
  if (category.kind === 'seed') {
    ctx.settings.push(`${who} (a random seed)`);
    return { kind: 'skipped' };
  }
  if (category.kind === 'setting') {
    ctx.settings.push(`${who} (${category.why})`);
    return { kind: 'skipped' };
  }
  if (arg.flag) {
    // store_true / is_flag: a flag parameter, passed as `--name` when true and left out when false.
    const { name, flag } = paramName(arg);
    const switchesMode = [...tokens].some((t) => FLAG_SETTING_WORDS.has(t));
    // `--x/--no-x` off by default (BooleanOptionalAction, tyro, fire) is tuned like store_true: --x or nothing.
    const offByDefault = arg.action === 'store_true' || (arg.action === 'boolean_optional' && arg.default === false);
    if (arg.type === 'bool' && offByDefault && flag === `--${name}` && !switchesMode) {
      return { kind: 'tuned', flag, param: { name, dest: arg.dest, type: 'categorical', choices: [false, true], flag: true, reason: `an on/off flag: ${flag} when true, nothing when false` } };
    }
    if (arg.type === 'bool' && switchesMode) ctx.settings.push(`${who} (a switch that changes what the script does)`);
    else if (arg.type === 'bool') ctx.flags.push(who);
    else ctx.settings.push(`${who} (a ${arg.action} option)`);
    return { kind: 'skipped' };
  }
  if (arg.action === 'append' || arg.action === 'extend' || arg.nargs === '+' || arg.nargs === '*' || (typeof arg.nargs === 'number' && arg.nargs > 1)) {
    const list = listParameters(arg, category.kind);
    if (list !== undefined) return list;
    ctx.lists.push(who);
    return { kind: 'skipped' };
  }
  if (category.kind === 'length') {
    ctx.lengths.push(who);
    return { kind: 'skipped' };
  }
  const { name, flag } = paramName(arg);
  const choices = (arg.choices ?? []).filter((c): c is string | number | boolean => c !== null);
  const unique = choices.filter((c, i) => choices.indexOf(c) === i);
  // choices=range(1, 100): an int range (a categorical of 99 unordered values would waste the sampler's trials).
  const ints = unique.filter((c): c is number => typeof c === 'number' && Number.isInteger(c));
  if (unique.length > 10 && ints.length === unique.length && Math.max(...ints) - Math.min(...ints) === ints.length - 1) {
    const [low, high] = [Math.min(...ints), Math.max(...ints)];
    return { kind: 'tuned', flag, param: { name, dest: arg.dest, type: 'int', low, high, log: false, reason: `choices in the script: the integers ${low} to ${high}${defaultSuffix(arg)}` } };
  }
  if (unique.length >= 2) {
    return { kind: 'tuned', flag, param: { name, dest: arg.dest, type: 'categorical', choices: unique, reason: `choices in the script${defaultSuffix(arg)}` } };
  }
  if (unique.length === 1) {
    ctx.settings.push(`${who} (only one choice)`);
    return { kind: 'skipped' };
  }
  if (arg.type === 'bool') {
    if ([...tokens].some((t) => FLAG_SETTING_WORDS.has(t))) {
      ctx.settings.push(`${who} (a switch that changes what the script does)`);
      return { kind: 'skipped' };
    }
    return { kind: 'tuned', flag, param: { name, dest: arg.dest, type: 'categorical', choices: [true, false], reason: `a true/false value${defaultSuffix(arg)}` } };
  }
  if (arg.type === 'str' || arg.type === null) {
    ctx.strings.push(`${who}${arg.hasDefault && arg.default !== null ? ` (default ${String(arg.default)})` : ''}`);
    if (typeof arg.default === 'string' && arg.default !== '' && category.kind === 'other') {
      ctx.suggestions.push({ name, dest: arg.dest, type: 'categorical', choices: [arg.default], reason: 'add the values to try' });
    }
    return { kind: 'skipped' };
  }
  const integer = arg.type === 'int';
  const found = rangeFor(category.kind, arg);
  if (found !== undefined && 'choices' in found) {
    const bounded = found.choices.filter((c) => (arg.min === undefined || c >= arg.min) && (arg.max === undefined || c <= arg.max));
    if (bounded.length >= 2) return { kind: 'tuned', flag, param: { name, dest: arg.dest, type: 'categorical', choices: bounded, reason: found.why } };
  } else if (found !== undefined) {
    const fitted = fitRange(found, arg, integer);
    if (fitted !== undefined) {
      return { kind: 'tuned', flag, param: { name, dest: arg.dest, type: integer ? 'int' : 'float', low: fitted.low, high: fitted.high, log: fitted.log, reason: fitted.why } };
    }
  }
  if (category.kind === 'other') {
    const guess = suggestionFor(arg);
    const fitted = guess && fitRange(guess, arg, integer);
    if (fitted !== undefined) {
      ctx.unknown.push(who);
      ctx.suggestions.push({ name, dest: arg.dest, type: integer ? 'int' : 'float', low: fitted.low, high: fitted.high, log: fitted.log, reason: fitted.why });
      return { kind: 'suggested', param: ctx.suggestions[ctx.suggestions.length - 1] as ProposedParameter };
    }
  }
  ctx.noRange.push(`${who}${arg.defaultText !== null ? ` (default ${arg.defaultText})` : ''}`);
  return { kind: 'skipped' };
}

/**
 * A list option with a numeric default of 1 to 4 values (`--hidden-sizes 128 64`, `--betas 0.9 0.999`) whose name
 * Rung recognises: one parameter per value, each ranged around its own default, so the list keeps its length (the
 * depth) and each value is tuned. Undefined when that does not apply (the caller then leaves the option out).
 */
function listParameters(arg: ScriptArgument, kind: Category['kind']): Outcome | undefined {
  const values = Array.isArray(arg.default) ? arg.default : [];
  const append = arg.action === 'append' || arg.action === 'extend';
  const { name, flag } = paramName(arg);
  if (flag === undefined || (arg.type !== 'int' && arg.type !== 'float') || values.length < 1 || values.length > 4 || kind === 'other') return undefined;
  if (typeof arg.nargs === 'number' && arg.nargs !== values.length) return undefined;
  const params: ProposedParameter[] = [];
  for (const [i, value] of values.entries()) {
    if (typeof value !== 'number') return undefined;
    const one: ScriptArgument = { ...arg, default: value, defaultText: String(value), nargs: null, action: 'store' };
    const found = rangeFor(kind, one);
    if (found === undefined) return undefined;
    const element = `${name}_${i + 1}`;
    const why = `value ${i + 1} of ${values.length} of ${flag}`;
    if ('choices' in found) {
      params.push({ name: element, dest: arg.dest, type: 'categorical', choices: found.choices, reason: `${why}; ${found.why}` });
      continue;
    }
    const fitted = fitRange(found, one, arg.type === 'int');
    if (fitted === undefined) return undefined;
    params.push({ name: element, dest: arg.dest, type: arg.type === 'int' ? 'int' : 'float', low: fitted.low, high: fitted.high, log: fitted.log, reason: `${why}; ${fitted.why}` });
  }
  return { kind: 'tunedList', params, flag, append };
}

function defaultSuffix(arg: ScriptArgument): string {
  if (!arg.hasDefault) return '';
  return arg.defaultText !== null ? `; default ${arg.defaultText}` : '';
}

// ---------------------------------------------------------------------------------------------- metric

const STEP_KEYS = new Set(['epoch', 'epochs', 'step', 'steps', 'iteration', 'iter', 'it', 'batch', 'global_step', 'idx', 'i', 'n', 'total']);
/** Words that start messages (`Error: {e}`), not metrics. */
const MESSAGE_KEYS = new Set([
  'error', 'warning', 'warn', 'exception', 'usage', 'note', 'info', 'debug', 'saved', 'saving', 'loading', 'loaded', 'path', 'file',
  'dir', 'device', 'model', 'config', 'args', 'using', 'from', 'to', 'at', 'cmd', 'command', 'status', 'reason', 'message', 'msg',
  'time', 'elapsed', 'eta', 'took', 'seconds', 'lr', 'learning_rate', 'seed', 'params', 'parameters',
]);
const MAXIMIZE_WORDS = [
  'acc', 'accuracy', 'f1', 'auc', 'auroc', 'auprc', 'map', 'precision', 'recall', 'r2', 'score', 'bleu', 'rouge', 'iou', 'miou', 'dice', 'reward',
  'return', 'top1', 'top5', 'ndcg', 'mrr', 'sharpe', 'correct', 'psnr', 'ssim', 'mcc', 'kappa', 'spearman', 'pearson', 'meteor', 'em', 'exact', 'aucpr',
];
const MINIMIZE_WORDS = [
  'loss', 'error', 'err', 'mse', 'rmse', 'mae', 'nll', 'perplexity', 'ppl', 'wer', 'cer', 'cost', 'regret', 'fid', 'logloss', 'mape', 'smape',
  'bpb', 'bpc', 'bpd', 'lpips', 'brier', 'ece', 'kl',
  // Boosting libraries' metric names: LightGBM's l1/l2, XGBoost's mlogloss, merror, poisson-nloglik...
  'l1', 'l2', 'mlogloss', 'merror', 'nloglik', 'rmsle', 'deviance', 'huber',
];
// cv/oof/holdout: cross-validation and out-of-fold scores are validation metrics too.
const SPLIT_WORDS = { val: ['val', 'valid', 'validation', 'dev', 'eval', 'cv', 'oof', 'holdout', 'heldout'], test: ['test'] } as const;

interface MetricChoice {
  readonly name: string;
  readonly goal: 'minimize' | 'maximize';
  readonly guessed: boolean;
  readonly from?: ScriptMetric;
  readonly others: readonly string[];
  readonly notes: readonly string[];
}

function metricWords(name: string): string[] {
  const camel = name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_./-]+/);
  // Also the words without the camel-case split: mAP and mIoU are map and miou, not m + ap.
  const plain = name.toLowerCase().split(/[_./-]+/);
  return [...new Set([...camel, ...plain])].filter((w) => w !== '');
}

function goalOf(words: readonly string[]): 'minimize' | 'maximize' | undefined {
  if (words.some((w) => MINIMIZE_WORDS.includes(w) || w.endsWith('loss'))) return 'minimize';
  if (words.some((w) => MAXIMIZE_WORDS.includes(w) || w.endsWith('acc') || /^(?:map|ap|top)\d+$/.test(w))) return 'maximize';
  return undefined;
}

/** Picks the metric: a validation loss, else a validation accuracy-like score, else test, else training. */
function chooseMetric(metrics: readonly ScriptMetric[], argumentNames: ReadonlySet<string>, crossValidation = false, logged: readonly string[] = []): MetricChoice {
  const candidates = metrics.filter((m) => {
    const lower = m.name.toLowerCase();
    return !STEP_KEYS.has(lower) && !MESSAGE_KEYS.has(lower) && !argumentNames.has(normalise(m.name)) && /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(m.name);
  });
  const scored = candidates.map((m, index) => {
    const words = metricWords(m.name);
    const goal = goalOf(words);
    const named = words.some((w) => (SPLIT_WORDS.val as readonly string[]).includes(w) || w.startsWith('val')) ? 2 : words.some((w) => (SPLIT_WORDS.test as readonly string[]).includes(w)) ? 1 : 0;
    // A script that cross-validates prints held-out scores whatever their names (`F1: 0.97`, `accuracy: 0.95`).
    const split = crossValidation && named === 0 && !words.includes('train') && !words.includes('training') ? 2 : named;
    const kind = goal === 'minimize' ? (words.some((w) => w.endsWith('loss')) ? 3 : 1) : goal === 'maximize' ? 2 : 0;
    return { m, goal, split, score: goal === undefined ? -1 : split * 10 + kind, index };
  });
  const best = scored.filter((s) => s.goal !== undefined).sort((a, b) => b.score - a.score || a.index - b.index)[0];
  const others = candidates.map((m) => m.name).filter((n) => n !== best?.m.name);
  if (best === undefined || best.goal === undefined) {
    // Only logged (wandb, TensorBoard, MLflow): the placeholder is the one of those names it would pick if printed.
    const fromLogs = logged.length > 0 ? chooseMetric(logged.map((name, i) => ({ name, line: i, text: null })), argumentNames, crossValidation) : undefined;
    if (fromLogs !== undefined && !fromLogs.guessed) {
      return {
        name: fromLogs.name,
        goal: fromLogs.goal,
        guessed: true,
        others,
        notes: [
          `No metric found in what the script prints, so the metric is ${fromLogs.name} (${fromLogs.goal}), which it logs (wandb, TensorBoard, MLflow...) but does not print. Make the script print it where it logs it, e.g. \`print(f"${fromLogs.name}={value}")\` (or use \`from rung import report\`): Rung reads a trial's output, not those logs.`,
          ...fromLogs.notes,
        ],
      };
    }
    const printed = candidates.length > 0 ? ` It prints ${candidates.map((m) => m.name).join(', ')}, but none looks like a loss or a score.` : '';
    return {
      name: 'val_loss',
      goal: 'minimize',
      guessed: true,
      others,
      notes: [
        `No metric found in what the script prints, so the metric is a placeholder, val_loss (minimize).${printed} Make the script print a line like \`epoch=3 val_loss=0.21\` (or use \`from rung import report\`), and set metric: to that name.`,
      ],
    };
  }
  const notes: string[] = [];
  if (crossValidation && best.split === 2 && !metricWords(best.m.name).some((w) => (SPLIT_WORDS.val as readonly string[]).includes(w) || w.startsWith('val'))) {
    notes.push(`The script cross-validates (cross_val_score, GridSearchCV or the like), so ${best.m.name} is taken as a validation score.`);
  }
  if (best.split === 0) {
    notes.push(`No validation metric found, so the metric is ${best.m.name} (${best.goal}). Tuning on a training metric rewards overfitting: print a validation metric (e.g. val_loss=...) and use it instead.`);
  } else if (best.split === 1) {
    notes.push(`The metric is ${best.m.name}, a test-set metric; tuning on the test set makes it optimistic. Prefer a validation metric if the script can print one.`);
  }
  return { name: best.m.name, goal: best.goal, guessed: false, from: best.m, others, notes };
}

// ---------------------------------------------------------------------------------------------- conditions

/**
 * A parameter whose help text names one choice of a categorical parameter ("Nesterov momentum, sgd only")
 * is made conditional on it: sampling momentum for adam would waste trials on a value the script ignores.
 */
function inferConditions(params: ProposedParameter[], args: ReadonlyMap<string, ScriptArgument>): ProposedParameter[] {
  const result = params.map((p) => {
    const help = args.get(p.dest)?.help;
    if (help === null || help === undefined || !/\b(only|when|if|with|for)\b/i.test(help)) return p;
    for (const parent of params) {
      if (parent === p || parent.type !== 'categorical' || parent.choices.length < 2) continue;
      const matched = parent.choices.filter((c) => typeof c === 'string' && c.length >= 2 && new RegExp(`(^|[^A-Za-z0-9_])${escapeRegex(c)}([^A-Za-z0-9_]|$)`, 'i').test(help));
      if (matched.length === 1 && matched[0] !== undefined) {
        return { ...p, when: { [parent.name]: matched[0] }, reason: `${p.reason}; only with ${parent.name}=${String(matched[0])} (from its help: "${help}")` };
      }
    }
    return p;
  });
  // Parents must come first in the file: move each conditional parameter right after its parent when needed.
  const ordered: ProposedParameter[] = [];
  const pending = [...result];
  while (pending.length > 0) {
    const index = pending.findIndex((p) => p.when === undefined || Object.keys(p.when).every((parent) => ordered.some((o) => o.name === parent)));
    const next = pending.splice(index < 0 ? 0 : index, 1)[0];
    if (next !== undefined) ordered.push(index < 0 ? withoutWhen(next) : next);
  }
  return ordered;
}

function withoutWhen(p: ProposedParameter): ProposedParameter {
  const { when: _when, ...rest } = p;
  return rest as ProposedParameter;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------- Hydra

/** How a Hydra value is overridden: its key; for a config group, the group; for a value of a group's option, that option. */
interface HydraMeta {
  readonly key: string;
  readonly file: string;
  readonly group?: HydraGroup;
  readonly when?: { readonly group: string; readonly option: string };
}

/**
 * A Hydra config's numeric and true/false values as script arguments (named by their dotted paths), so that the
 * same name and default heuristics as for argparse options apply; a config group as an argument with its options
 * as choices. `???` values come back apart: the command must give them.
 */
function hydraArguments(config: HydraConfig): { args: ScriptArgument[]; meta: Map<ScriptArgument, HydraMeta>; missing: (HydraLeaf & { arg: ScriptArgument })[] } {
  const args: ScriptArgument[] = [];
  const meta = new Map<ScriptArgument, HydraMeta>();
  const missing: (HydraLeaf & { arg: ScriptArgument })[] = [];
  const add = (leaf: HydraLeaf, when?: HydraMeta['when']): void => {
    const arg = hydraArgument(leaf.key, leaf.type === 'missing' ? null : leaf.type, leaf.value, leaf.text, leaf.line);
    if (leaf.type === 'missing') {
      missing.push({ ...leaf, arg });
      return;
    }
    args.push(arg);
    meta.set(arg, { key: leaf.key, file: leaf.file, ...(when !== undefined ? { when } : {}) });
  };
  for (const leaf of config.leaves) add(leaf);
  for (const group of config.groups) {
    const arg = { ...hydraArgument(group.name, 'str', group.selected, group.selected, 0), choices: group.options };
    args.push(arg);
    meta.set(arg, { key: group.name, file: group.folder, group });
    for (const leaf of group.leaves) add(leaf, group.selected !== null && group.options.length >= 2 ? { group: group.name, option: group.selected } : undefined);
  }
  return { args, meta, missing };
}

function hydraArgument(key: string, type: ScriptArgument['type'], value: ScriptValue, text: string | null, line: number): ScriptArgument {
  return {
    source: 'hydra', flags: [], dest: key, positional: false, type, typeText: null, action: 'store', flag: false, hasDefault: true,
    default: value, defaultText: text, choices: null, help: null, nargs: null, required: false, line,
  };
}

/** A config group with two options or more: a categorical parameter over its option files. */
function hydraGroupParameter(group: HydraGroup, ctx: Context): ProposedParameter | undefined {
  if (group.options.length < 2) {
    ctx.settings.push(
      group.options.length === 1 ? `${group.name} (a config group with one option, ${group.options[0] ?? ''})` : `${group.name} (a config group whose folder ${group.folder} has no .yaml file)`,
    );
    return undefined;
  }
  const selected = group.selected !== null ? `default ${group.selected}` : 'no default (???): each trial chooses one';
  return { name: group.name, dest: group.name, type: 'categorical', choices: [...group.options], reason: `config group ${group.folder}/: ${group.options.length} options, ${selected}` };
}

/** What was read of a Hydra config, and what was not, for the file's header. */
function hydraNotes(config: HydraConfig, line: number, tunedGroups: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  if (config.primary !== undefined) {
    const groups = config.groups.map((g) => `${g.name} (${g.folder}/)`);
    notes.push(
      `The script uses Hydra (@hydra.main, line ${line}): read its config ${config.primary}${groups.length > 0 ? ` and the config group${groups.length === 1 ? '' : 's'} ${groups.join(', ')}` : ''}; each parameter is passed as a Hydra override, key=value.`,
    );
  }
  for (const note of config.notes) notes.push(`Hydra: ${note}.`);
  const conditional = config.groups.filter((g) => tunedGroups.has(g.name) && g.selected !== null && g.leaves.length > 0);
  if (conditional.length > 0) {
    notes.push(
      `Only the default option's values of a config group are tuned, and only when it is chosen (when: ${conditional.map((g) => `{${g.name}: ${g.selected ?? ''}}`).join(', ')}): Hydra rejects an override of a key the chosen option lacks. To tune another option's values, add them with their own when:.`,
    );
  }
  if (config.untuned.length > 0) {
    const shown = config.untuned.slice(0, 8).join(', ');
    notes.push(`Text values, lists and interpolations of the config are not tuned: ${shown}${config.untuned.length > 8 ? `, and ${config.untuned.length - 8} more` : ''}.`);
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------- proposal

const GPU_LIBRARIES = ['torch', 'tensorflow', 'jax', 'keras', 'cupy', 'lightning', 'pytorch_lightning', 'transformers'];

/** Proposes a study file for a script from what the reader found in it. */
export function proposeStudy(inspection: ScriptInspection, options: ProposeStudyOptions): StudyProposal {
  // An Optuna objective (`def objective(trial): trial.suggest_float(...)`): its own search space, run by rung.optuna_objective.
  if (inspection.optuna !== undefined) return proposeOptunaStudy(inspection, inspection.optuna, options);
  const ctx: Context = { settings: [], flags: [], strings: [], unknown: [], lists: [], lengths: [], noRange: [], required: [], argv: [], suggestions: [] };
  const tuned: { param: ProposedParameter; flag: string | undefined; render?: Render }[] = [];
  let budgetArg: ScriptArgument | undefined;
  const hydraConfig = inspection.hydra?.config;
  const hydra = hydraConfig !== undefined ? hydraArguments(hydraConfig) : undefined;
  const allArguments = [...inspection.arguments, ...(hydra?.args ?? [])];
  /** Hydra groups with a categorical parameter: their default option's values are tuned only when it is chosen. */
  const tunedGroups = new Set<string>();
  for (const arg of allArguments) {
    const meta = hydra?.meta.get(arg);
    if (meta?.group !== undefined) {
      const param = hydraGroupParameter(meta.group, ctx);
      if (param !== undefined) {
        tunedGroups.add(meta.group.name);
        tuned.push({ param, flag: undefined, render: { kind: 'hydra', key: meta.key } });
      }
      continue;
    }
    const outcome = classify(arg, ctx);
    if (outcome.kind === 'tuned' && meta !== undefined) {
      const when = meta.when !== undefined && tunedGroups.has(meta.when.group) ? meta.when : undefined;
      const param: ProposedParameter =
        when === undefined
          ? outcome.param
          : { ...outcome.param, when: { [when.group]: when.option }, reason: `${outcome.param.reason}; only with ${when.group}=${when.option} (${meta.file})` };
      tuned.push({ param, flag: undefined, render: { kind: 'hydra', key: meta.key } });
    } else if (outcome.kind === 'tuned') {
      const render: Render | undefined =
        arg.source === 'rung'
          ? { kind: 'rung' }
          : arg.env !== undefined
            ? { kind: 'env', variable: arg.env }
            : arg.argvIndex !== undefined
              ? { kind: 'positional', index: arg.argvIndex }
              : undefined;
      tuned.push({ param: outcome.param, flag: outcome.flag, ...(render !== undefined ? { render } : {}) });
    }
    if (outcome.kind === 'tunedList') {
      for (const param of outcome.params) tuned.push({ param, flag: outcome.flag, render: { kind: 'list', dest: arg.dest, append: outcome.append } });
    }
    if (outcome.kind === 'budget' && arg.source === 'rung') {
      // RUNG_PARAMS holds parameters only: the budget reaches a script as RUNG_BUDGET (`from rung import budget`).
      ctx.rungBudget = label(arg);
    } else if (outcome.kind === 'budget' && budgetArg === undefined) budgetArg = arg;
    else if (arg.argvIndex !== undefined && outcome.kind !== 'tuned' && !ctx.argv.some((a) => a.index === arg.argvIndex)) {
      // An untuned word with a default: passed as the default when a later word is passed.
      const d = arg.default;
      if (arg.hasDefault && (typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean')) ctx.argv.push({ index: arg.argvIndex, word: String(d), needed: false });
    }
  }
  const byDest = new Map(allArguments.map((a) => [a.dest, a]));
  for (const leaf of hydra?.missing ?? []) {
    // `???` in the config: Hydra fails when the script reads it, so the command must give it.
    ctx.required.push({ tokens: [`${leaf.key}=${metavarOf({ dest: leaf.key } as ScriptArgument)}`], label: `${leaf.key} (??? in ${leaf.file})`, arg: leaf.arg });
  }
  const used = new Set<string>();
  const uniqueTuned = tuned.map(({ param, flag, render }) => {
    // `--budget` or `--trial_dir` cannot be a parameter's name ({budget} is a placeholder): renamed, it is passed by its own word.
    let name = (RESERVED_PLACEHOLDERS as readonly string[]).includes(param.name) ? `${param.name}_param` : param.name;
    for (let i = 2; used.has(name); i++) name = `${param.name}_${i}`;
    used.add(name);
    return { param: name === param.name ? param : { ...param, name }, flag, render };
  });
  let parameters = inferConditions(
    uniqueTuned.map((t) => t.param),
    byDest,
  );
  const flagOf = new Map(uniqueTuned.map((t) => [t.param.name, t.flag]));
  const renderOf = new Map(uniqueTuned.map((t) => [t.param.name, t.render]));

  const notes: string[] = [];
  if (hydraConfig !== undefined) notes.push(...hydraNotes(hydraConfig, inspection.hydra?.line ?? 0, tunedGroups));
  if (hydraConfig !== undefined) {
    if (hydra?.args.length === 0 && hydraConfig.primary !== undefined) notes.push(`No numeric or true/false values found in the Hydra config ${hydraConfig.primary}.`);
  } else if (inspection.arguments.length === 0) {
    notes.push(
      inspection.frameworks.length === 0
        ? 'No command-line arguments found (Rung reads argparse, click, typer, HfArgumentParser/simple_parsing/tyro dataclasses, fire.Fire, absl flags, LightningCLI, nanoGPT\'s configurator.py, sys.argv[i] and os.environ reads).'
        : `No command-line arguments could be read from the ${inspection.frameworks.join('/')} declarations.`,
    );
  }
  let example = false;
  if (parameters.length === 0) {
    example = true;
    parameters = [{ name: 'lr', dest: 'lr', type: 'float', low: 1e-5, high: 0.1, log: true, reason: 'an example: rename it to a setting of your script' }];
    notes.push(
      hydraConfig !== undefined
        ? 'Nothing to tune was found, so `lr` is an example parameter and the command passes no parameters. Rename it to a key of the Hydra config (`optimizer.lr`) and add that key\'s override to command (`optimizer.lr={optimizer.lr}`).'
        : 'Nothing to tune was found, so `lr` is an example parameter and the command passes no parameters. The script can read the values with `from rung import params` (params()["lr"]) or from $RUNG_PARAMS (JSON); or add argparse arguments and put {args} in the command.',
    );
  }

  // ---- budget and scheduler
  let budget: StudyProposal['budget'];
  let scheduler: 'asha' | 'fifo' = 'fifo';
  let budgetFlag: string | undefined;
  if (budgetArg !== undefined) {
    budgetFlag = label(budgetArg);
    const d = numericDefault(budgetArg);
    const maxBudget = d !== undefined && d >= 1 ? Math.round(d) : 10;
    if (d === undefined || d < 1) notes.push(`${budgetFlag} has no usable default, so the budget (max_budget) is set to 10 epochs: adjust it.`);
    budget = { flag: budgetFlag, maxBudget };
    if (maxBudget >= 3) scheduler = 'asha';
    else notes.push(`${budgetFlag} defaults to ${maxBudget}: too few epochs for early stopping, so every trial runs to the end (scheduler fifo).`);
  } else if (ctx.rungBudget !== undefined) {
    notes.push(
      `${ctx.rungBudget} looks like the number of epochs, but Rung passes only parameters in params(), so there is no early stopping (scheduler fifo). To stop trials early, read the epochs with \`from rung import budget\` (budget(), or $RUNG_BUDGET) and set a scheduler with max_budget.`,
    );
  } else {
    notes.push(
      hydraConfig !== undefined
        ? 'No epochs value found in the Hydra config, so there is no early stopping (scheduler fifo): every trial runs to the end. If the script trains in epochs, give the config an `epochs` value and pass it `epochs={budget}` in command.'
        : 'No epochs argument found, so there is no early stopping (scheduler fifo): every trial runs to the end. If the script trains in epochs, add an --epochs option and pass it {budget}.',
    );
  }
  if (parameters.some((p) => renderOf.get(p.name)?.kind === 'rung')) {
    notes.push('The script reads its settings with `from rung import params`: Rung passes each trial\'s values in RUNG_PARAMS, so the command passes none.');
  }

  // ---- command
  // With a sub-command, the main parser's (or click group's) options go before its name and its own after it:
  // neither library reads an option on the wrong side. {args} renders all parameters in one place, so
  // parameters on both sides are passed by their own words.
  // A nested sub-command (`model train`) has a side per word: `--seed` before `model`, `--arch` between, `--lr` after.
  const path = inspection.subcommand === undefined ? [] : (inspection.subcommandPath ?? [inspection.subcommand]);
  const levelOf = (arg: ScriptArgument | undefined): number => (arg === undefined ? path.length : subcommandLevelOf(arg, path.length));
  const sides = new Set(parameters.map((p) => levelOf(byDest.get(p.dest))));
  const explicit = !example && (parameters.some((p) => flagOf.get(p.name) !== `--${p.name}` || renderOf.get(p.name) !== undefined) || sides.size > 1);
  // An environment variable or a sys.argv word as the budget: set there, not as an option.
  const budgetVia = budgetArg?.env !== undefined || budgetArg?.argvIndex !== undefined;
  const budgetMeta = budgetArg !== undefined ? hydra?.meta.get(budgetArg) : undefined;
  // A Hydra value: one override word. `++` (set or add) when it comes from a group's default option, which
  // another option may lack: the budget is passed whichever option a trial runs.
  const budgetWords = budgetMeta !== undefined ? [`${budgetMeta.when !== undefined && tunedGroups.has(budgetMeta.when.group) ? '++' : ''}${budgetMeta.key}={budget}`] : [commandWord(budgetFlag ?? ''), '{budget}'];
  const commandPart = (level: number): string[] => {
    const part: string[] = [];
    for (const r of ctx.required) if (levelOf(r.arg) === level) part.push(...r.tokens.map((t) => (r.trialDir && t.includes('{trial_dir}') ? t : commandWord(t))));
    if (!example && explicit) {
      const listed = new Set<string>();
      for (const p of parameters) {
        if (levelOf(byDest.get(p.dest)) !== level) continue;
        const render = renderOf.get(p.name);
        const flag = flagOf.get(p.name) ?? `--${p.name}`;
        if (render?.kind === 'env' || render?.kind === 'positional' || render?.kind === 'rung') continue;
        if (render?.kind === 'hydra') {
          part.push(`${render.key}={${p.name}}`); // Hydra's override grammar: key=value, no dashes
          continue;
        }
        if (render?.kind === 'list') {
          // All values of one list option together: `--sizes {sizes_1} {sizes_2}` (nargs) or `--x {x_1} --x {x_2}` (append).
          if (listed.has(render.dest)) continue;
          listed.add(render.dest);
          const elements = parameters.filter((q) => { const r = renderOf.get(q.name); return r?.kind === 'list' && r.dest === render.dest; });
          if (render.append) for (const q of elements) part.push(commandWord(flag), `{${q.name}}`);
          else part.push(commandWord(flag), ...elements.map((q) => `{${q.name}}`));
          continue;
        }
        if (p.type === 'categorical' && p.flag === true) part.push(`{${p.name}}`); // --name when true, nothing when false
        else part.push(flag.startsWith('--') ? `${commandWord(flag)}={${p.name}}` : `${commandWord(flag)} {${p.name}}`);
      }
    } else if (!example && sides.has(level)) {
      part.push('{args}');
    }
    if (budgetFlag !== undefined && !budgetVia && levelOf(budgetArg) === level) part.push(...budgetWords);
    return part;
  };
  // sys.argv words in order, up to the last one that must be given (tuned, the budget, or without a default).
  const argvWords = new Map<number, { word: string; needed: boolean }>(ctx.argv.map((a) => [a.index, { word: commandWord(a.word), needed: a.needed }]));
  for (const p of parameters) {
    const render = renderOf.get(p.name);
    if (!example && render?.kind === 'positional') argvWords.set(render.index, { word: `{${p.name}}`, needed: true });
  }
  if (budgetArg?.argvIndex !== undefined) argvWords.set(budgetArg.argvIndex, { word: '{budget}', needed: true });
  const lastNeeded = Math.max(0, ...[...argvWords].filter(([, w]) => w.needed).map(([i]) => i));
  const positional: string[] = [];
  for (let i = 1; i <= lastNeeded; i++) positional.push(argvWords.get(i)?.word ?? 'VALUE');
  // Environment variables as NAME=value words before the interpreter: Rung sets them in the trial's environment.
  const envWords = example ? [] : parameters.flatMap((p) => { const r = renderOf.get(p.name); return r?.kind === 'env' ? [`${r.variable}={${p.name}}`] : []; });
  if (budgetArg?.env !== undefined) envWords.push(`${budgetArg.env}={budget}`);
  const words: string[] = [...envWords, options.program ?? 'python3', commandWord(options.scriptFile), ...positional];
  path.forEach((word, level) => words.push(...commandPart(level), commandWord(word)));
  words.push(...commandPart(path.length));
  if (inspection.hydra !== undefined) {
    // Each trial writes Hydra's outputs (.hydra/, the job's log) in its own folder, not in a shared timestamped
    // outputs/ one where parallel trials would collide. Quoted for Hydra, so any path (spaces, commas, non-ASCII
    // letters) is one value; double quotes keep the single ones in the word Rung splits.
    words.push(`"hydra.run.dir='{trial_dir}'"`);
    notes.push("hydra.run.dir is given {trial_dir}, each trial's own folder: Hydra writes its outputs there (.hydra/ with the composed config, the job's log), not in a shared timestamped outputs/ folder.");
  }
  const command = words.join(' ');
  const placeholders = ctx.required.filter((r) => r.trialDir !== true && r.switchOn !== true);
  if (placeholders.length > 0) {
    notes.push(
      `The script needs ${placeholders.map((r) => r.label).join(', ')}: replace ${placeholders.map((r) => r.tokens[r.tokens.length - 1]).join(', ')} in command: with real values.`,
    );
  }
  const trialDirs = ctx.required.filter((r) => r.trialDir === true);
  if (trialDirs.length > 0) {
    const inside = trialDirs.map((r) => (r.tokens[r.tokens.length - 1] ?? '').replace(/^[^=]*=/, '')).filter((t) => t !== '{trial_dir}');
    notes.push(
      `${trialDirs.map((r) => r.label).join(', ')} ${trialDirs.length === 1 ? 'is' : 'are'} given {trial_dir}, a folder of each trial's own` +
        (inside.length > 0 ? ` (${inside.join(', ')}: a folder in it, which the script creates as it would its default).` : '.'),
    );
  }
  const switches = ctx.required.filter((r) => r.switchOn === true);
  if (switches.length > 0) {
    notes.push(`The command passes ${switches.map((r) => r.label).join(' and ')}: the script reads ${switches.length === 1 ? 'it' : 'them'} (\`if training_args.${switches[0]?.arg.dest ?? 'do_train'}:\`), and without ${switches.length === 1 ? 'it' : 'them'} it would not train or print its eval metrics.`);
  }
  const argvPlaceholders = ctx.argv.filter((a) => a.needed && a.index <= lastNeeded);
  if (argvPlaceholders.length > 0) {
    notes.push(`The script reads ${argvPlaceholders.map((a) => `sys.argv[${a.index}]`).join(', ')} with no default: replace ${argvPlaceholders.map((a) => a.word).join(', ')} in command: with real values.`);
  }
  if (envWords.length > 0) {
    notes.push(
      'The script reads its settings from environment variables, so the command sets them before the interpreter (NAME={name} python3 …, as in a shell): Rung puts them in each trial\'s environment.',
    );
  }

  // ---- metric
  // A printed option value (`learning_rate=...`) is no metric, whichever of its names it is printed under.
  const argumentNames = new Set(allArguments.flatMap(namesOf));
  const metric = chooseMetric(inspection.metrics, argumentNames, inspection.crossValidation === true, inspection.logged);
  notes.push(...metric.notes);

  // ---- what was left out
  if (ctx.settings.length > 0) notes.push(`Not tuned, kept at the script's defaults: ${ctx.settings.join(', ')}.`);
  if (ctx.flags.length > 0) {
    notes.push(
      `On/off flags are not tuned: ${ctx.flags.join(', ')} (a flag that is on by default, or with a --no- form). To tune one, add a parameter {type: categorical, choices: [false, true], flag: true} named after the option: it passes --name when true and nothing when false.`,
    );
  }
  if (ctx.strings.length > 0) {
    notes.push(`Text options without a list of choices are not tuned: ${ctx.strings.join(', ')}. Add choices=[...] in the script, or a categorical parameter here.`);
  }
  if (ctx.unknown.length > 0) {
    const first = ctx.suggestions.find((p) => renderOf.get(p.name) === undefined && hydra?.args.some((a) => a.dest === p.dest));
    // A Hydra value is passed by its own override word, which an uncommented suggestion does not add by itself.
    const howTo = hydraConfig !== undefined && first !== undefined ? ` To tune one, uncomment it and add its override to command (\`${first.dest}={${first.name}}\`).` : '';
    notes.push(`Not recognised as hyperparameters, so left at their defaults: ${ctx.unknown.join(', ')}. Suggested ranges are in the file, commented out.${howTo}`);
  }
  if (ctx.noRange.length > 0) notes.push(`No range could be guessed for ${ctx.noRange.join(', ')}: not tuned.`);
  if (ctx.lists.length > 0) notes.push(`Options that take several values are not tuned: ${ctx.lists.join(', ')}.`);
  if (ctx.lengths.length > 0) {
    notes.push(`${ctx.lengths.join(', ')} look${ctx.lengths.length === 1 ? 's' : ''} like a training length; kept at the default. To stop trials early by it instead of epochs, pass it {budget} in the command and set the scheduler's max_budget.`);
  }
  // `skipped ...` and `read options from options.py (get_parser)` say what the reader did; the rest what it found.
  for (const w of inspection.warnings) {
    notes.push(w.startsWith('read ') ? `Also read ${w.slice('read '.length)}.` : `The reader ${w.startsWith('skipped') ? '' : 'found that '}${w}.`);
  }
  const gpuLibrary = inspection.imports.find((i) => GPU_LIBRARIES.includes(i));
  if (gpuLibrary !== undefined) {
    notes.push(`The script imports ${gpuLibrary}: if each trial needs a GPU, uncomment resources: {gpus_per_trial: 1} and set parallel: auto (one trial per GPU).`);
  }

  const text = render({
    options,
    inspection,
    notes,
    parameters,
    suggestions: ctx.suggestions,
    command,
    metric,
    budget,
    scheduler,
    explicit,
    example,
    viaParams: parameters.every((p) => renderOf.get(p.name)?.kind === 'rung'),
    gpuLibrary,
  });
  return {
    text,
    notes,
    parameters,
    suggestions: ctx.suggestions,
    metric: { name: metric.name, goal: metric.goal, guessed: metric.guessed },
    ...(budget !== undefined ? { budget } : {}),
    scheduler,
    command,
  };
}

// ---------------------------------------------------------------------------------------------- YAML

interface RenderInput {
  readonly options: ProposeStudyOptions;
  readonly inspection: ScriptInspection;
  readonly notes: readonly string[];
  readonly parameters: readonly ProposedParameter[];
  readonly suggestions: readonly ProposedParameter[];
  readonly command: string;
  readonly metric: MetricChoice;
  readonly budget: StudyProposal['budget'];
  readonly scheduler: 'asha' | 'fifo';
  readonly explicit: boolean;
  /** `lr` is only an example: the command passes no parameters. */
  readonly example: boolean;
  /** Every parameter is read with Rung's `params()`: the command passes none. */
  readonly viaParams: boolean;
  readonly gpuLibrary: string | undefined;
}

function render(input: RenderInput): string {
  const { options, parameters, metric, budget, scheduler } = input;
  const script = options.scriptFile;
  const out = proposalHeader(script, 'its arguments and prints were read', input.notes);

  const rows: [string, string][] = [];
  rows.push([`name: ${yamlScalar(options.studyName)}`, '']);
  rows.push([
    `command: ${yamlString(input.command)}`,
    `${options.program === undefined || options.program === 'python3' ? 'python3 = the interpreter Rung is set to use; ' : ''}runs without a shell${options.cwd === undefined ? ", in this file's folder" : ''}`,
  ]);
  if (options.cwd !== undefined) rows.push([`cwd: ${yamlScalar(options.cwd)}`, "trials' working folder, relative to this file"]);
  const printedAt = metric.from !== undefined ? `printed at ${metric.from.file !== undefined ? `${metric.from.file} ` : ''}line ${metric.from.line}` : 'a guess: see the notes above';
  const also = metric.others.length > 0 ? `; also printed: ${metric.others.slice(0, 6).join(', ')}${metric.others.length > 6 ? ', ...' : ''}` : '';
  rows.push([`metric: {name: ${yamlScalar(metric.name)}, goal: ${metric.goal}}`, `${printedAt}${also}`]);
  const passed = input.example
    ? 'the command passes none: the script reads them from RUNG_PARAMS (see the notes above)'
    : input.viaParams
      ? "the command passes none: the script reads them with Rung's params() (RUNG_PARAMS)"
      : input.explicit
      ? 'each one is passed by its own word in command'
      : 'passed to the script as --name=value by {args}';
  rows.push(['parameters:', passed]);
  const width = Math.max(0, ...[...parameters, ...input.suggestions].map((p) => yamlKey(p.name).length + 1));
  for (const p of parameters) rows.push([`  ${`${yamlKey(p.name)}:`.padEnd(width)} ${flow(p)}`, p.reason]);
  if (input.suggestions.length > 0) {
    rows.push(['  # Left at the script\'s defaults; uncomment to tune (the ranges are guesses):', '']);
    for (const p of input.suggestions) rows.push([`  # ${`${yamlKey(p.name)}:`.padEnd(width)} ${flow(p)}`, p.reason]);
  }
  rows.push(['sampler: auto', 'bohb, gp or tpe, chosen from the space and the scheduler']);
  if (budget !== undefined && scheduler === 'asha') {
    rows.push([
      `scheduler: {type: asha, min_budget: 1, max_budget: ${budget.maxBudget}}`,
      `${budget.flag} is the budget; poor trials stop at epoch ${rungList(1, budget.maxBudget, 3)}`,
    ]);
  } else if (budget !== undefined) {
    rows.push([`scheduler: {type: fifo, max_budget: ${budget.maxBudget}}`, `${budget.flag} is the budget; no early stopping`]);
  } else {
    rows.push(['scheduler: fifo', 'no early stopping']);
  }
  const trials = Math.min(100, Math.max(20, 10 * parameters.length));
  rows.push([`trials: ${trials}`, '']);
  rows.push(['parallel: 2', 'trials at once; auto = one per CPU core (or per GPU with resources)']);
  if (input.gpuLibrary !== undefined) rows.push(['# resources: {gpus_per_trial: 1}', 'uncomment if each trial needs a GPU']);

  const column = Math.min(72, Math.max(...rows.filter(([, c]) => c !== '').map(([t]) => t.length)) + 2);
  for (const [textPart, comment] of rows) {
    out.push(comment === '' ? textPart : `${textPart.padEnd(column)} # ${oneLine(comment)}`);
  }
  return `${out.join('\n')}\n`;
}

function rungList(min: number, max: number, eta: number): string {
  const rungs: number[] = [];
  for (let b = min; b < max; b *= eta) rungs.push(b);
  if (rungs.length <= 1) return rungs.join('');
  return `${rungs.slice(0, -1).join(', ')} or ${rungs[rungs.length - 1]}`;
}

function flow(p: ProposedParameter): string {
  const whenValue = (v: ScriptValue | readonly (string | number | boolean)[]): string => (Array.isArray(v) ? `[${v.map(yamlScalar).join(', ')}]` : yamlScalar(v as ScriptValue));
  const when = p.when !== undefined ? `, when: {${Object.entries(p.when).map(([k, v]) => `${yamlKey(k)}: ${whenValue(v)}`).join(', ')}}` : '';
  if (p.type === 'categorical') return `{type: categorical, choices: [${p.choices.map(yamlScalar).join(', ')}]${p.flag === true ? ', flag: true' : ''}${when}}`;
  return `{type: ${p.type}, low: ${yamlNumber(p.low)}, high: ${yamlNumber(p.high)}${p.log ? ', log: true' : ''}${p.step !== undefined ? `, step: ${yamlNumber(p.step)}` : ''}${when}}`;
}

/** One word of the command: braces doubled (they are literal text here, not placeholders), then quoted. */
function commandWord(word: string): string {
  return quotedCommandWord(templateText(word));
}

// ---------------------------------------------------------------------------------------------- names

/**
 * The study name for a script: `<folder>-<stem>` (e.g. `digits-train`), so that the `train.py` of two
 * folders do not share a study in the workspace's store. Only letters, digits, `.`, `_` and `-`.
 * With `studyFileName` (`train-2.rung.yaml`), its stem replaces the script's.
 */
export function studyNameFor(scriptPath: string, studyFileName?: string): string {
  const parts = scriptPath.split(/[\\/]/).filter((p) => p !== '');
  const file = parts[parts.length - 1] ?? 'script';
  // `train-2.rung.yaml` (a second proposal beside the first) gets its own study, `digits-train-2`.
  const stem = studyFileName !== undefined ? studyFileName.replace(/\.rung\.(?:ya?ml|json)$/, '') : file.replace(/\.[^.]*$/, '') || file;
  const folder = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const raw = folder !== undefined && folder !== '.' && folder !== '..' ? `${folder}-${stem}` : stem;
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '')
    .slice(0, 100);
  return cleaned === '' ? 'study' : cleaned;
}

/**
 * The file name for the proposed study next to the script: `<stem>.rung.yaml`, or `<stem>-2.rung.yaml`,
 * `-3`... when `exists` says a name is taken — an existing study file is never overwritten.
 */
export function studyFileNameFor(scriptPath: string, exists: (fileName: string) => boolean): string {
  const file = scriptPath.split(/[\\/]/).pop() ?? 'script.py';
  const stem = file.replace(/\.[^.]*$/, '') || file;
  for (let i = 1; i < 10_000; i++) {
    const candidate = i === 1 ? `${stem}.rung.yaml` : `${stem}-${i}.rung.yaml`;
    if (!exists(candidate)) return candidate;
  }
  return `${stem}-${Date.now()}.rung.yaml`;
}
