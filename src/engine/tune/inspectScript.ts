/**
 * Reads a training script's command-line arguments and metric prints by running the bundled static
 * reader (`python/rung/inspect_script.py`, Python's `ast` only) with the user's interpreter. The user's
 * script itself is never run or imported: the reader only parses its text.
 *
 * The interpreter is started with `execFile` (an argv list, never a shell) in isolated mode (`-I`: no
 * PYTHON* environment variables, no user site-packages, the reader's folder not on sys.path) and without
 * writing bytecode (`-B`), under a timeout. Its JSON answer is validated field by field here, so the
 * proposal code can trust the shapes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readHydraConfig, type HydraConfig, type HydraMain } from './hydraConfig';

/** A literal value read from the script (defaults, choices). */
export type ScriptValue = string | number | boolean | null;

/** The value type of an argument, as far as the reader could tell. `path`: a file or folder. */
export type ScriptValueType = 'int' | 'float' | 'str' | 'bool' | 'path';

/**
 * Where an argument comes from: an option library, a dataclass CLI (hf = HfArgumentParser), or a raw read.
 * `hydra`: a value of a Hydra config (the reader names the framework; proposeStudy makes the arguments from the YAML).
 * `configurator`: a module-level setting of a nanoGPT-style script that runs `exec(open('configurator.py').read())`,
 * which sets it from a `--name=value` word.
 */
export type ScriptArgumentSource = 'argparse' | 'click' | 'typer' | 'hf' | 'simple_parsing' | 'tyro' | 'fire' | 'absl' | 'lightning' | 'sys.argv' | 'env' | 'rung' | 'hydra' | 'configurator';

const SOURCES: readonly ScriptArgumentSource[] = ['argparse', 'click', 'typer', 'hf', 'simple_parsing', 'tyro', 'fire', 'absl', 'lightning', 'sys.argv', 'env', 'rung', 'hydra', 'configurator'];

/** One command-line argument of the script. */
export interface ScriptArgument {
  /**
   * The library that declares it; `sys.argv` and `env` are reads of `sys.argv[i]` and `os.environ` in a script
   * without a parser, `rung` reads of Rung's helper (`from rung import params`: `params().get("lr", 1e-3)`).
   */
  readonly source: ScriptArgumentSource;
  /** Option strings (`--lr`, `-l`, `--no-amp`); empty for a positional argument. */
  readonly flags: readonly string[];
  /** The Python name the script reads (`args.batch_size`). */
  readonly dest: string;
  readonly positional: boolean;
  /** Declared or inferred (from the default or the choices) value type; null when unknown. */
  readonly type: ScriptValueType | null;
  /** Source text of `type=` or the annotation, e.g. `integer`, `click.IntRange(1, 8)`. */
  readonly typeText: string | null;
  /** argparse-like action: store, store_true, store_false, boolean_optional, count, append, store_const, custom... */
  readonly action: string;
  /** True when the option takes no value on the command line (store_true, is_flag, `--x/--no-x`, count). */
  readonly flag: boolean;
  /** Whether a default is given (it may still be non-literal: then `default` is null and `defaultText` has the source). */
  readonly hasDefault: boolean;
  readonly default: ScriptValue | readonly ScriptValue[];
  readonly defaultText: string | null;
  /** Literal choices (`choices=`, `click.Choice`, an `Enum` annotation), else null. */
  readonly choices: readonly ScriptValue[] | null;
  /** Source text of choices that are not literals. */
  readonly choicesText?: string;
  readonly help: string | null;
  readonly nargs: string | number | null;
  readonly required: boolean;
  readonly metavar?: string;
  /** Bounds from `click.IntRange`/`FloatRange` or typer's `min=`/`max=`. */
  readonly min?: number;
  readonly max?: number;
  /** 1-based line of the declaration. */
  readonly line: number;
  /**
   * An option of the main parser (argparse) or of the group (click) when the trial command runs a sub-command:
   * it must come before the sub-command's name, where argparse and click read it (after it, they reject it).
   */
  readonly beforeSubcommand?: boolean;
  /**
   * With a nested sub-command (`python3 cli.py model train`): how many of its words come before this option on
   * the command line (0: an option of the main parser; 1: of `model`, after `model` and before `train`; 2: of
   * `train`). Absent for a one-word sub-command, where {@link beforeSubcommand} says it.
   */
  readonly subcommandLevel?: number;
  /** `env` only: the environment variable the script reads. */
  readonly env?: string;
  /** `sys.argv` only: the index the script reads (1 = the first word after the script). */
  readonly argvIndex?: number;
}

/** A name the script prints in a `key=value`/`key: value`/JSON form Rung can read. */
export interface ScriptMetric {
  readonly name: string;
  readonly line: number;
  /** The source of the print (clipped). */
  readonly text: string | null;
  /** The file the print is in when not the script (its `line` is there), relative to the script's folder. */
  readonly file?: string;
}

/** What the reader found in a script. */
export interface ScriptInspection {
  /** The path the reader was given. */
  readonly script: string;
  /** Version of the interpreter that read it. */
  readonly python: string;
  /** Which argument libraries were found, in the order read. */
  readonly frameworks: readonly ScriptArgumentSource[];
  readonly arguments: readonly ScriptArgument[];
  readonly metrics: readonly ScriptMetric[];
  /** Top-level module names the script imports (e.g. torch: it may want a GPU). */
  readonly imports: readonly string[];
  /** Things the reader skipped (sub-commands, non-literal option names...), in plain words. */
  readonly warnings: readonly string[];
  /** The sub-command whose options were read (an argparse sub-parser, a command of a click group or typer app): the trial command must name it. */
  readonly subcommand?: string;
  /** The words of a nested sub-command, in order (`["model", "train"]`; then subcommand is `model train`). */
  readonly subcommandPath?: readonly string[];
  /** The script scores by cross-validation (cross_val_score, GridSearchCV...): what it prints is a validation score. */
  readonly crossValidation?: boolean;
  /**
   * Only when it prints no metric: the names it logs without printing them (wandb.log, Lightning's self.log
   * without prog_bar, TensorBoard's add_scalar, MLflow's log_metric), in the order found.
   */
  readonly logged?: readonly string[];
  /** `@hydra.main(...)`: where its config is; inspectScript adds what it read of the YAML as `hydra.config`. */
  readonly hydra?: HydraMain;
  /** An Optuna objective function (`def objective(trial): trial.suggest_float(...)`), see {@link OptunaObjectiveInfo}. */
  readonly optuna?: OptunaObjectiveInfo;
}

/** One `trial.suggest_*(...)` call of an Optuna objective. */
export interface OptunaSuggest {
  readonly name: string;
  readonly type: 'float' | 'int' | 'categorical';
  readonly line: number;
  /** Literal bounds (or module constants); absent when the script computes them (then `guessed` says which). */
  readonly low?: number;
  readonly high?: number;
  readonly log?: true;
  /** `step=` (suggest_float, suggest_int other than 1) or `q` (suggest_discrete_uniform). */
  readonly step?: number;
  readonly choices?: readonly (string | number | boolean)[];
  /** The bounds that are not literals, as `low=<source>`. */
  readonly guessed?: readonly string[];
  /** The enclosing `if <var> == "x":` on categorical parameters: parent → the values under which the call runs. */
  readonly when?: Readonly<Record<string, readonly (string | number | boolean)[]>>;
}

/** What the reader found of an Optuna objective: the function Rung's `rung.optuna_objective` runner calls. */
export interface OptunaObjectiveInfo {
  /** The function's name (the runner's second argument). */
  readonly function: string;
  readonly line: number;
  /** `optimize`: given to `study.optimize(...)`; `name`: named objective (and given to no optimize Rung could follow). */
  readonly how: 'optimize' | 'name';
  /** What optimize is given when not the function itself: `lambda trial: objective(trial, X, y)`, `partial(...)`. */
  readonly expression?: string;
  readonly parameters: readonly OptunaSuggest[];
  readonly direction?: 'minimize' | 'maximize';
  /** `create_study(directions=[...])`: a multi-objective study ('?' for a direction that is not a literal). */
  readonly directions?: readonly string[];
  /** `optimize(..., n_trials=N)`. */
  readonly nTrials?: number;
  /** `trial.report(...)` calls: the first's line, and N of the `for ... in range(N)` loop around them (null: unknown). */
  readonly reports?: { readonly line: number; readonly steps: number | null };
  /** The objective calls `trial.should_prune()`. */
  readonly prunes?: true;
  /** The variable the objective returns, when it is one name (`return accuracy`). */
  readonly returned?: string;
  /** What could not be read, in plain words. */
  readonly notes: readonly string[];
}

/** Why a script could not be inspected. */
export type InspectErrorKind = 'syntax' | 'read' | 'python' | 'timeout' | 'output' | 'usage' | 'internal';

/** A failure to inspect a script, with a message meant for the user. */
export class ScriptInspectionError extends Error {
  override readonly name = 'ScriptInspectionError';

  constructor(
    readonly kind: InspectErrorKind,
    message: string,
    /** 1-based line of a syntax error. */
    readonly line?: number,
    /** 1-based column of a syntax error. */
    readonly column?: number,
  ) {
    super(message);
  }
}

export interface InspectScriptOptions {
  /** The Python interpreter (a path or a command name on PATH). */
  readonly python: string;
  /** Path of inspect_script.py; default: the copy shipped next to the engine (see findInspectorScript). */
  readonly readerPath?: string;
  /** The script's text when it differs from the file (an editor's unsaved changes); else the file is read. */
  readonly source?: string;
  /** Default 20 s: parsing is fast, but a cold interpreter on a network drive is not. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** Generous: a script with thousands of arguments still fits. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Finds `python/rung/inspect_script.py` shipped with Rung: next to the bundle (dist/ → ../python) or,
 * when running from sources, at the repository root. Undefined when neither exists.
 */
export function findInspectorScript(fromDir: string = moduleDir()): string | undefined {
  const candidates = [path.join(fromDir, '..', 'python'), path.join(fromDir, '..', '..', '..', 'python')];
  for (const dir of candidates) {
    const file = path.join(dir, 'rung', 'inspect_script.py');
    if (existsSync(file)) return file;
  }
  return undefined;
}

function moduleDir(): string {
  // The CLI and extension bundles are CommonJS, where __dirname is the bundle's folder.
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

/**
 * Inspects `scriptPath` with the reader. Rejects with a ScriptInspectionError whose message says what
 * went wrong in the user's terms (a syntax error with its line, an interpreter that cannot be started, a timeout).
 */
export async function inspectScript(scriptPath: string, options: InspectScriptOptions): Promise<ScriptInspection> {
  const reader = options.readerPath ?? findInspectorScript();
  if (reader === undefined) throw new ScriptInspectionError('internal', 'the script reader (python/rung/inspect_script.py) is missing from this installation');
  const argv = ['-I', '-B', reader, ...(options.source !== undefined ? ['--stdin'] : []), scriptPath];
  const stdout = await run(options.python, argv, options);
  const inspection = parseInspectorOutput(stdout, path.basename(scriptPath));
  // Hydra's config is YAML, which the zero-dependency reader does not parse: read here, relative to the script.
  if (inspection.hydra === undefined) return inspection;
  let config: HydraConfig;
  try {
    config = readHydraConfig(path.dirname(path.resolve(scriptPath)), inspection.hydra);
  } catch (error) {
    // An odd config is a note in the proposal, never a failure to read the script.
    config = { leaves: [], groups: [], untuned: [], notes: [`the config could not be read (${(error as Error).message})`] };
  }
  return { ...inspection, hydra: { ...inspection.hydra, config } };
}

function run(python: string, argv: readonly string[], options: InspectScriptOptions): Promise<string> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      argv,
      {
        encoding: 'utf8',
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        windowsHide: true,
        // The reader prints ASCII-only JSON; UTF-8 for its own error text regardless of the locale.
        env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES') {
          reject(new ScriptInspectionError('python', `cannot run the Python interpreter "${python}" (${code}); set the interpreter Rung uses`));
        } else if (error.name === 'AbortError') {
          reject(new ScriptInspectionError('timeout', 'reading the script was cancelled'));
        } else if (error.killed || error.signal === 'SIGKILL') {
          reject(new ScriptInspectionError('timeout', `reading the script took longer than ${Math.round(timeout / 1000)} s and was stopped`));
        } else if (stdout.trim().startsWith('{')) {
          // The reader exits 1 with a JSON error object on stdout (a syntax error): an answer, not a crash.
          resolve(stdout);
        } else if (/Unknown option: -I/.test(stderr)) {
          reject(new ScriptInspectionError('python', `"${python}" is Python 2; reading a script needs Python 3.8 or newer`));
        } else {
          const detail = lastLines(stderr) || error.message;
          reject(new ScriptInspectionError('python', `the Python interpreter "${python}" failed to read the script: ${detail}`));
        }
      },
    );
    if (options.source !== undefined) {
      child.stdin?.on('error', () => undefined); // An interpreter that dies early closes the pipe: its exit is reported above.
      child.stdin?.end(options.source, 'utf8');
    }
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ').slice(0, 500);
}

/**
 * Validates the reader's JSON. Exported for tests; `scriptName` appears in error messages.
 * Throws ScriptInspectionError for an error answer (e.g. a syntax error in the script) or malformed output.
 */
export function parseInspectorOutput(stdout: string, scriptName: string): ScriptInspection {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new ScriptInspectionError('output', `the script reader printed something that is not JSON: ${stdout.slice(0, 200)}`);
  }
  const root = record(raw);
  if (root === undefined) throw new ScriptInspectionError('output', 'the script reader printed JSON that is not an object');
  const error = record(root['error']);
  if (error !== undefined) {
    const kind = str(error['kind']);
    const message = str(error['message']) ?? 'unknown error';
    const line = int(error['line']);
    const column = int(error['column']);
    if (kind === 'syntax') {
      const at = line !== undefined ? ` at line ${line}${column !== undefined ? `, column ${column}` : ''}` : '';
      throw new ScriptInspectionError('syntax', `${scriptName} has a syntax error${at} (${message}); fix it and try again`, line, column);
    }
    const known: readonly InspectErrorKind[] = ['read', 'usage', 'python', 'internal'];
    throw new ScriptInspectionError(known.find((k) => k === kind) ?? 'internal', message);
  }
  if (root['version'] !== 1) throw new ScriptInspectionError('output', `the script reader answered in an unknown format (version ${String(root['version'])})`);
  const args = list(root['arguments'], 'arguments').map((a, i) => argument(a, i));
  const metrics = list(root['metrics'], 'metrics').map((m, i) => metric(m, i));
  const subcommand = str(root['subcommand']);
  const subcommandPath = Array.isArray(root['subcommandPath']) ? root['subcommandPath'].filter((w): w is string => typeof w === 'string' && w !== '') : [];
  return {
    script: str(root['script']) ?? scriptName,
    python: str(root['python']) ?? '',
    frameworks: list(root['frameworks'], 'frameworks').filter((f): f is ScriptArgumentSource => SOURCES.includes(f as ScriptArgumentSource)),
    arguments: args,
    metrics,
    imports: list(root['imports'], 'imports').filter((s): s is string => typeof s === 'string'),
    warnings: list(root['warnings'], 'warnings').filter((s): s is string => typeof s === 'string'),
    ...(subcommand !== undefined && subcommand !== '' ? { subcommand } : {}),
    ...(subcommand !== undefined && subcommandPath.length > 1 && subcommandPath.join(' ') === subcommand ? { subcommandPath } : {}),
    ...(root['crossValidation'] === true ? { crossValidation: true } : {}),
    ...logged(root['logged']),
    ...hydraMain(root['hydra']),
    ...optunaObjective(root['optuna']),
  };
}

type Choice = string | number | boolean;

function isChoice(v: unknown): v is Choice {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** The reader's `optuna` object, field by field: a malformed part is dropped, never a failure to read the script. */
function optunaObjective(raw: unknown): { optuna?: OptunaObjectiveInfo } {
  const o = record(raw);
  const fn = str(o?.['function']);
  if (o === undefined || fn === undefined || fn === '') return {};
  const parameters: OptunaSuggest[] = [];
  for (const item of Array.isArray(o['parameters']) ? o['parameters'] : []) {
    const p = record(item);
    const name = str(p?.['name']);
    const type = p?.['type'];
    if (p === undefined || name === undefined || (type !== 'float' && type !== 'int' && type !== 'categorical')) continue;
    const low = finite(p['low']);
    const high = finite(p['high']);
    const step = finite(p['step']);
    const choices = Array.isArray(p['choices']) ? p['choices'].filter(isChoice) : undefined;
    const guessed = Array.isArray(p['guessed']) ? p['guessed'].filter((g): g is string => typeof g === 'string') : undefined;
    const whenRaw = record(p['when']);
    const when: Record<string, Choice[]> = {};
    for (const [parent, values] of Object.entries(whenRaw ?? {})) if (Array.isArray(values)) when[parent] = values.filter(isChoice);
    parameters.push({
      name,
      type,
      line: int(p['line']) ?? 0,
      ...(low !== undefined ? { low } : {}),
      ...(high !== undefined ? { high } : {}),
      ...(p['log'] === true ? { log: true as const } : {}),
      ...(step !== undefined && step > 0 ? { step } : {}),
      ...(choices !== undefined ? { choices } : {}),
      ...(guessed !== undefined && guessed.length > 0 ? { guessed } : {}),
      ...(Object.keys(when).length > 0 ? { when } : {}),
    });
  }
  const direction = o['direction'] === 'maximize' || o['direction'] === 'minimize' ? o['direction'] : undefined;
  const directions = Array.isArray(o['directions']) ? o['directions'].filter((d): d is string => typeof d === 'string') : undefined;
  const nTrials = int(o['nTrials']);
  const reports = record(o['reports']);
  const steps = int(reports?.['steps']);
  const expression = str(o['expression']);
  const returned = str(o['returned']);
  return {
    optuna: {
      function: fn,
      line: int(o['line']) ?? 0,
      how: o['how'] === 'optimize' ? 'optimize' : 'name',
      ...(expression !== undefined && expression !== '' ? { expression } : {}),
      parameters,
      ...(direction !== undefined ? { direction } : {}),
      ...(directions !== undefined && directions.length > 0 ? { directions } : {}),
      ...(nTrials !== undefined && nTrials > 0 ? { nTrials } : {}),
      ...(reports !== undefined ? { reports: { line: int(reports['line']) ?? 0, steps: steps !== undefined && steps > 0 ? steps : null } } : {}),
      ...(o['prunes'] === true ? { prunes: true as const } : {}),
      ...(returned !== undefined && /^[A-Za-z][A-Za-z0-9_]*$/.test(returned) ? { returned } : {}),
      notes: Array.isArray(o['notes']) ? o['notes'].filter((n): n is string => typeof n === 'string') : [],
    },
  };
}

function logged(raw: unknown): { logged?: readonly string[] } {
  const names = Array.isArray(raw) ? raw.filter((n): n is string => typeof n === 'string' && n !== '') : [];
  return names.length > 0 ? { logged: names } : {};
}

/** The reader's `hydra` object (`@hydra.main(...)`): each argument a string, null (None) or absent (not given). */
function hydraMain(raw: unknown): { hydra?: HydraMain } {
  const h = record(raw);
  if (h === undefined) return {};
  const optional = (key: string): { [k: string]: string | null } => {
    const v = h[key];
    return typeof v === 'string' || v === null ? { [key]: v } : {};
  };
  const unknown = Array.isArray(h['unknown']) ? h['unknown'].filter((u): u is string => typeof u === 'string') : [];
  return { hydra: { line: int(h['line']) ?? 0, ...optional('configPath'), ...optional('configName'), ...optional('versionBase'), unknown } };
}

const VALUE_TYPES: readonly ScriptValueType[] = ['int', 'float', 'str', 'bool', 'path'];

function argument(raw: unknown, index: number): ScriptArgument {
  const a = record(raw);
  const where = `arguments[${index}]`;
  if (a === undefined) throw bad(where);
  const source = SOURCES.find((s) => s === a['source']);
  const dest = str(a['dest']);
  if (source === undefined || dest === undefined) throw bad(where);
  const flags = list(a['flags'], `${where}.flags`).filter((f): f is string => typeof f === 'string');
  const type = VALUE_TYPES.find((t) => t === a['type']) ?? null;
  const defaultRaw = a['default'];
  const defaultValue = Array.isArray(defaultRaw) ? defaultRaw.filter(isScalar) : isScalar(defaultRaw) ? defaultRaw : null;
  const choicesRaw = a['choices'];
  const nargs = a['nargs'];
  const min = finite(a['min']);
  const max = finite(a['max']);
  const choicesText = str(a['choicesText']);
  const metavar = str(a['metavar']);
  const env = str(a['env']);
  const argvIndex = int(a['argvIndex']);
  const subcommandLevel = int(a['subcommandLevel']);
  return {
    source,
    flags,
    dest,
    positional: a['positional'] === true,
    type,
    typeText: str(a['typeText']) ?? null,
    action: str(a['action']) ?? 'store',
    flag: a['flag'] === true,
    hasDefault: a['hasDefault'] === true,
    default: defaultValue,
    defaultText: str(a['defaultText']) ?? null,
    choices: Array.isArray(choicesRaw) ? choicesRaw.filter(isScalar) : null,
    help: str(a['help']) ?? null,
    nargs: typeof nargs === 'string' || typeof nargs === 'number' ? nargs : null,
    required: a['required'] === true,
    line: int(a['line']) ?? 0,
    ...(choicesText !== undefined ? { choicesText } : {}),
    ...(metavar !== undefined ? { metavar } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(a['beforeSubcommand'] === true ? { beforeSubcommand: true } : {}),
    ...(subcommandLevel !== undefined && subcommandLevel >= 0 ? { subcommandLevel } : {}),
    ...(source === 'env' && env !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(env) ? { env } : {}),
    ...(source === 'sys.argv' && argvIndex !== undefined && argvIndex >= 1 ? { argvIndex } : {}),
  };
}

function metric(raw: unknown, index: number): ScriptMetric {
  const m = record(raw);
  const name = str(m?.['name']);
  if (m === undefined || name === undefined) throw bad(`metrics[${index}]`);
  const file = str(m['file']);
  return { name, line: int(m['line']) ?? 0, text: str(m['text']) ?? null, ...(file !== undefined ? { file } : {}) };
}

function bad(where: string): ScriptInspectionError {
  return new ScriptInspectionError('output', `the script reader's answer is malformed at ${where}`);
}

function record(v: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function list(v: unknown, where: string): readonly unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(where);
  return v;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function isScalar(v: unknown): v is ScriptValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}
