/**
 * What the W&B and NNI importers share: where the study file goes (for `cwd:` and the study name), the
 * list of what did not carry over (each one a positioned warning in the source and a line in the file's
 * header), parameter names Rung accepts, and ranges for the distributions Rung has no exact form of.
 */
import path from 'node:path';
import type { Node } from 'yaml';
import { PARAM_NAME_PATTERN, RESERVED_PLACEHOLDERS } from '../runner/commandTemplate';
import type { ParamValue } from '../space/searchSpace';
import { studyNameFor } from '../tune/proposeStudy';
import type { SourceFile } from './sourceFile';
import type { DraftParam, DraftSpec } from './studyDraft';
import { clean, cleanExp, yamlNumber } from '../spec/yamlText';

/** File access of an importer (the real file system by default; tests pass their own). */
export interface ImportFs {
  readonly readFile: (absolutePath: string) => string;
  readonly listDir: (absolutePath: string) => readonly string[];
}

export interface ImportContext {
  /** Absolute path of the file being imported. */
  readonly inputFile: string;
  /** Absolute path the study file will have: relative paths in it (`cwd:`) are from its folder. */
  readonly studyFile: string;
  /** A study name that overrides the source's. */
  readonly studyName?: string;
  readonly fs: ImportFs;
}

/** What did not carry over: a positioned warning in the source file and a sentence for the study file's header. */
export class Notes {
  readonly list: string[] = [];

  add(src: SourceFile, node: Node | null | undefined, issuePath: string, message: string): void {
    src.warn(node, issuePath, message);
    if (!this.list.includes(message)) this.list.push(message);
  }
}

/** Most values an int or stepped float may have for the grid sampler to walk it whole (space/grid.ts). */
const GRID_ENUMERATED = 100;
/** Grid points given to a continuous (or too long) numeric range for the grid sampler. */
export const GRID_POINTS = 5;

/**
 * For the grid sampler: numeric parameters it cannot walk whole (continuous floats, ranges of more than 100
 * values) get `grid_points: 5`, and the line says so.
 */
export function withGridPoints(params: readonly DraftParam[], tool: string, changed: (param: DraftParam, why: string) => void): DraftParam[] {
  return params.map((p) => {
    const s = p.spec;
    if (s.type === 'categorical' || s.gridPoints !== undefined) return p;
    const step = s.step ?? (s.type === 'int' ? 1 : undefined);
    const count = step === undefined || s.log ? Infinity : Math.floor((s.high - s.low) / step + 1e-9) + 1;
    if (count <= GRID_ENUMERATED) return p;
    const why = step === undefined || s.log ? 'a continuous range' : `${count} values`;
    changed(p, `${tool}'s grid over ${why} became ${GRID_POINTS} evenly spaced points (grid_points; Rung walks at most ${GRID_ENUMERATED} values whole)`);
    return { ...p, spec: { ...s, gridPoints: GRID_POINTS }, comment: `${p.comment}; grid: ${GRID_POINTS} evenly spaced points` };
  });
}

/**
 * The study's name: the source's own (W&B `name`, NNI `experimentName`) made folder-safe, else
 * `<folder>-<stem>` of the input file as "Tune This Script" names its studies.
 */
export function studyName(raw: string | undefined, ctx: ImportContext, what: string): { value: string; comment: string } {
  if (ctx.studyName !== undefined) return { value: ctx.studyName, comment: '' };
  if (raw !== undefined) {
    const cleaned = raw
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+|[-.]+$/g, '')
      .slice(0, 100);
    if (cleaned !== '') return { value: cleaned, comment: cleaned === raw ? `${what}` : `${what} "${raw}", made folder-safe` };
  }
  const base = path.basename(ctx.studyFile);
  const fromFile = /\.rung\.(?:ya?ml|json)$/.test(base) ? base : undefined;
  return { value: studyNameFor(ctx.inputFile, fromFile), comment: 'from the file name' };
}

/** `cwd:` for trials that ran in `dir` when the study file is elsewhere (undefined: the study file's own folder). */
export function cwdFor(ctx: ImportContext, dir: string): string | undefined {
  const relative = path.relative(path.dirname(ctx.studyFile), dir).split(path.sep).join('/');
  return relative === '' || relative === '.' ? undefined : relative;
}

/** Issues a parameter name gets: made valid and unique, or left as it is. */
export class ParamNames {
  private readonly used = new Set<string>();

  /**
   * A name Rung accepts for `raw`: invalid characters become `_`, the placeholder words (`args`, `budget`...)
   * get `_param`; a clash gets `_2`, `_3`... `rename` reports what changed and why.
   */
  take(raw: string, rename: (name: string, why: string) => void): string {
    let name = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
    if (!/^[A-Za-z_]/.test(name)) name = `_${name}`;
    let why = name !== raw ? 'Rung parameter names use letters, digits, "_", "." and "-"' : '';
    if ((RESERVED_PLACEHOLDERS as readonly string[]).includes(name)) {
      name = `${name}_param`;
      why = `{${raw}} is one of Rung's command placeholders`;
    }
    const base = name;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    if (name !== base && why === '') why = 'another parameter has that name';
    this.used.add(name);
    if (!PARAM_NAME_PATTERN.test(name)) throw new Error(`internal: parameter name "${name}" is still invalid`);
    if (name !== raw) rename(name, why);
    return name;
  }
}

/** A numeric range and the words that explain it (the line's comment), plus what was lost, if anything. */
export interface RangeResult {
  readonly spec: DraftSpec;
  readonly detail: string;
  readonly lost?: string;
}

function fmt(x: number): string {
  return yamlNumber(x);
}

/** A quantization step as an option of a numeric range (`step: 1` of an int is the default: left out). */
function stepped(type: 'int' | 'float', low: number, high: number, q: number): DraftSpec {
  return type === 'int' && q === 1 ? { type, low, high } : { type, low, high, step: q };
}

/**
 * `round(x / q) * q` for x uniform in [low, high]. W&B does not clip (values are the multiples of q from
 * round(low/q)·q to round(high/q)·q); NNI clips them to [low, high], so a bound that is no multiple of q is
 * itself a value: then the values are not evenly spaced and, when there are few, become a categorical list.
 */
export function quantizedRange(low: number, high: number, q: number, integer: boolean, clip: boolean): RangeResult {
  const kl = Math.round(low / q);
  const kh = Math.round(high / q);
  const a = clean(kl * q);
  const b = clean(kh * q);
  const type = integer ? 'int' : 'float';
  if (!clip || (a >= low && b <= high)) {
    return { spec: stepped(type, a, b, q), detail: `multiples of ${fmt(q)} from ${fmt(a)} to ${fmt(b)}` };
  }
  const values: number[] = [];
  for (let k = kl; k <= kh; k++) {
    const v = clean(Math.min(high, Math.max(low, k * q)));
    if (!values.includes(v)) values.push(v);
  }
  if (values.length <= 20) {
    return {
      spec: { type: 'categorical', choices: values },
      detail: `round(x/${fmt(q)})*${fmt(q)} clipped to [${fmt(low)}, ${fmt(high)}]: not evenly spaced, so these values as choices`,
    };
  }
  const inner = { low: clean(Math.ceil(low / q - 1e-9) * q), high: clean(Math.floor(high / q + 1e-9) * q) };
  return {
    spec: stepped(type, inner.low, inner.high, q),
    detail: `multiples of ${fmt(q)} from ${fmt(inner.low)} to ${fmt(inner.high)}`,
    lost: `the clipped ends ${fmt(low)} and ${fmt(high)} (no multiples of ${fmt(q)}) are left out`,
  };
}

/**
 * `round(x / q) * q` for x log-uniform in [low, high]: Rung has no log scale with a step. q = 1 on integer
 * bounds is exactly an int on a log scale; otherwise the quantization is dropped (and said so).
 */
export function quantizedLogRange(low: number, high: number, q: number, integerQ: boolean): RangeResult {
  if (q === 1 && integerQ) {
    const lo = Math.max(1, Math.round(low));
    const hi = Math.round(high);
    if (hi >= lo) {
      return {
        spec: { type: 'int', low: lo, high: hi, log: true },
        detail: `integers from ${lo} to ${hi}, log scale`,
        ...(Math.round(low) < 1 ? { lost: `0 is left out of the range (a log scale starts above 0)` } : {}),
      };
    }
  }
  if (integerQ && Number.isInteger(q)) {
    const lo = Math.max(q, Math.round(low / q) * q);
    const hi = Math.round(high / q) * q;
    if (hi >= lo) {
      return {
        spec: { type: 'int', low: lo, high: hi, log: true },
        detail: `integers from ${lo} to ${hi}, log scale`,
        lost: `values are no longer multiples of ${q} (Rung has no log scale with a step): round in the script if it needs them`,
      };
    }
  }
  return {
    spec: { type: 'float', low, high, log: true },
    detail: `[${fmt(low)}, ${fmt(high)}], log scale`,
    lost: `the rounding to multiples of ${fmt(q)} is dropped (Rung has no log scale with a step): round in the script if it needs it`,
  };
}

/** Rung has no bell-shaped distribution: a normal(mu, sigma) becomes the range mu ± 3 sigma (99.7% of its mass), sampled evenly. */
export function normalRange(mu: number, sigma: number, q: number | undefined, integerQ: boolean): RangeResult {
  const low = clean(mu - 3 * sigma);
  const high = clean(mu + 3 * sigma);
  const lost = `normal(mu ${fmt(mu)}, sigma ${fmt(sigma)}) has no exact Rung form: it became the range mu ± 3 sigma [${fmt(low)}, ${fmt(high)}], sampled evenly instead of around mu`;
  if (q === undefined) return { spec: { type: 'float', low, high }, detail: `mu ± 3 sigma`, lost };
  const r = quantizedRange(low, high, q, integerQ, false);
  return { spec: r.spec, detail: `mu ± 3 sigma, ${r.detail}`, lost };
}

/** log(x) normal(mu, sigma): x in [exp(mu - 3 sigma), exp(mu + 3 sigma)] on a log scale. */
export function logNormalRange(mu: number, sigma: number, q: number | undefined, integerQ: boolean): RangeResult {
  const low = cleanExp(Math.exp(mu - 3 * sigma));
  const high = cleanExp(Math.exp(mu + 3 * sigma));
  const lost = `log-normal(mu ${fmt(mu)}, sigma ${fmt(sigma)}) has no exact Rung form: it became [exp(mu - 3 sigma), exp(mu + 3 sigma)] = [${fmt(low)}, ${fmt(high)}] on a log scale, sampled evenly in log space`;
  if (q === undefined) return { spec: { type: 'float', low, high, log: true }, detail: 'exp(mu ± 3 sigma), log scale', lost };
  const r = quantizedLogRange(low, high, q, integerQ);
  return { spec: r.spec, detail: `exp(mu ± 3 sigma), ${r.detail}`, lost: r.lost === undefined ? lost : `${lost}; ${r.lost}` };
}

/**
 * Choices Rung accepts (strings, numbers, booleans), all different: other values (null, lists, mappings) become
 * their JSON text, duplicates are dropped. `lost` lists what changed.
 */
export function scalarChoices(values: readonly unknown[]): { choices: ParamValue[]; lost: string[] } {
  const choices: ParamValue[] = [];
  const lost: string[] = [];
  for (const v of values) {
    let c: ParamValue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) c = v;
    else {
      c = JSON.stringify(v) ?? String(v);
      lost.push(`${c} became the text choice ${JSON.stringify(c)} (Rung's choices are strings, numbers or booleans)`);
    }
    if (choices.includes(c)) lost.push(`the duplicate choice ${JSON.stringify(c)} is listed once`);
    else choices.push(c);
  }
  return { choices, lost };
}

/** The JSON type a parameter's values have on the command line (for `${args_json}` templates). */
export function jsonKind(spec: DraftSpec): 'number' | 'string' | 'boolean' | 'mixed' {
  if (spec.type !== 'categorical') return 'number';
  const kinds = new Set(spec.choices.map((c) => typeof c));
  if (kinds.size !== 1) return 'mixed';
  const [kind] = kinds;
  return kind === 'number' ? 'number' : kind === 'boolean' ? 'boolean' : 'string';
}
