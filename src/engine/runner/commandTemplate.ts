/**
 * Command templates: a study's `command` is split into argv words once (like a POSIX shell would split
 * them, but with no expansion of any kind) and each trial renders its placeholders into those words.
 * Nothing here ever involves a shell, so a parameter value such as `1; rm -rf ~` stays one literal argument.
 */
import type { Config, ParamSpec, ParamValue, SearchSpace } from '../space/searchSpace';
import { err, ok, type Result } from '../util/result';

/** Placeholders every template may use besides parameter names. */
export const RESERVED_PLACEHOLDERS = ['args', 'budget', 'trial_id', 'trial_dir'] as const;

/** Parameter names; also the syntax of a placeholder name. */
export const PARAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Splits a command string into words following POSIX shell quoting: whitespace separates words,
 * `'...'` is literal, `"..."` keeps its content with `\` escaping only `"`, `\`, `$`, `` ` `` and newline,
 * and `\` outside quotes escapes the next character (`\` + newline joins lines).
 * `$VAR`, globs, `~`, `;`, `|`, `&&`, `#`, redirections stay literal characters: there is no shell.
 * An empty string gives an empty list; an unterminated quote or a trailing lone backslash is an error.
 */
export function splitCommand(command: string): Result<string[], string> {
  const words: string[] = [];
  let word = '';
  // Distinguishes "no word yet" from an empty quoted word ('' is a real, empty argument).
  let inWord = false;
  let i = 0;
  while (i < command.length) {
    const c = command.charAt(i);
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return err(`unterminated single quote starting at character ${i + 1} of the command`);
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      let closed = false;
      while (i < command.length) {
        const d = command.charAt(i);
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < command.length) {
          const next = command.charAt(i + 1);
          if (next === '\n') {
            i += 2;
            continue;
          }
          if (next === '"' || next === '\\' || next === '$' || next === '`') {
            word += next;
            i += 2;
            continue;
          }
        }
        word += d;
        i++;
      }
      if (!closed) return err(`unterminated double quote starting at character ${start + 1} of the command`);
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length) {
        return err('the command ends with a lone backslash; write \\\\ for a literal backslash');
      }
      const next = command.charAt(i + 1);
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return ok(words);
}

/** `NAME=value`: a word a shell reads as an environment assignment when it comes before the program. */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Whether `word` has the shape of an environment assignment (`OMP_NUM_THREADS=1`, `LR={lr}`). */
export function isEnvAssignment(word: string): boolean {
  return ENV_ASSIGNMENT.test(word);
}

/**
 * The environment assignments a command starts with, read as a shell reads them: `OMP_NUM_THREADS=1 python3
 * train.py` runs python3 with OMP_NUM_THREADS=1 in its environment; so does `env OMP_NUM_THREADS=1 python3 …`
 * (what `rung propose` writes for a script that reads os.environ). No shell runs a trial, so Rung applies them
 * itself: `env` is not needed (nor present on Windows), and the program after them is still the `python3`
 * that `--python` replaces. Index of the program in `words`; 0 when the command has no such prefix, and
 * `words.length` when it is nothing but assignments (no program: the parser rejects that).
 */
export function programIndex(words: readonly string[]): number {
  let i = 0;
  if (words[0] !== undefined && (words[0] === 'env' || words[0].endsWith('/env')) && isEnvAssignment(words[1] ?? '')) i = 1;
  while (i < words.length && isEnvAssignment(words[i] ?? '')) i++;
  return i;
}

/**
 * A rendered command split into its leading environment assignments and the program's argv. Throws when no
 * program follows them: the study-file validator rejects that, so a throw here is a programming error.
 */
export function splitEnvAssignments(words: readonly string[]): { readonly env: Record<string, string>; readonly argv: [string, ...string[]] } {
  const start = programIndex(words);
  const env: Record<string, string> = {};
  for (const word of words.slice(0, start)) {
    const eq = word.indexOf('=');
    if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  const [program, ...args] = words.slice(start);
  if (program === undefined) throw new Error('the rendered command has no program after its environment assignments');
  return { env, argv: [program, ...args] };
}

/** One piece of a template token: literal text or a `{name}` placeholder. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly name: string };

/**
 * Parses one token: `{name}` is a placeholder, `{{` and `}}` are literal braces; any other brace is an
 * error (so a typo like `{lr` is caught rather than passed to the script).
 */
export function parseTemplateToken(token: string): Result<TemplatePart[], string> {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < token.length) {
    const c = token.charAt(i);
    if (c === '{' && token.charAt(i + 1) === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && token.charAt(i + 1) === '}') {
      text += '}';
      i += 2;
    } else if (c === '{') {
      const end = token.indexOf('}', i + 1);
      if (end < 0) return err(`unmatched "{" in "${token}"; write {{ for a literal brace`);
      const name = token.slice(i + 1, end);
      if (!PARAM_NAME_PATTERN.test(name)) {
        return err(`invalid placeholder "{${name}}" in "${token}"; a placeholder is {name}; write {{ and }} for literal braces`);
      }
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'placeholder', name });
      i = end + 1;
    } else if (c === '}') {
      return err(`unmatched "}" in "${token}"; write }} for a literal brace`);
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push({ kind: 'text', text });
  return ok(parts);
}

/** A placeholder found in a template, with the index of the token that holds it. */
export interface PlaceholderRef {
  /** Placeholder name without braces. */
  readonly name: string;
  /** Index of the template token it appears in. */
  readonly tokenIndex: number;
  /** True when the token is exactly `{name}`. */
  readonly wholeToken: boolean;
}

/** A malformed template token. */
export interface TemplateError {
  /** Index of the offending template token. */
  readonly tokenIndex: number;
  readonly message: string;
}

/** Every placeholder in a template (in order, repeats included) and every malformed token. */
export function placeholdersIn(template: readonly string[]): {
  readonly refs: PlaceholderRef[];
  readonly errors: TemplateError[];
} {
  const refs: PlaceholderRef[] = [];
  const errors: TemplateError[] = [];
  template.forEach((token, tokenIndex) => {
    const parsed = parseTemplateToken(token);
    if (!parsed.ok) {
      errors.push({ tokenIndex, message: parsed.error });
      return;
    }
    const wholeToken = parsed.value.length === 1;
    for (const part of parsed.value) {
      if (part.kind === 'placeholder') refs.push({ name: part.name, tokenIndex, wholeToken });
    }
  });
  return { refs, errors };
}

/**
 * Formats a value for the command line: shortest round-trip form for numbers (integers never in
 * exponent form), `true`/`false` for booleans, strings as they are. A `float` parameter's whole value keeps a
 * `.0` (`--dropout=0.0`), as Python prints a float: scripts that parse words as Python literals (fire,
 * nanoGPT's configurator, which asserts the type of its default) would otherwise get an int.
 */
export function formatParamValue(value: ParamValue, spec?: ParamSpec): string {
  if (typeof value === 'number') {
    // String() switches to exponent form at 1e21; argparse's int() would reject that.
    if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
    if (spec?.kind === 'float' && Number.isInteger(value)) return `${String(value)}.0`;
    return String(value);
  }
  return String(value);
}

/** What a trial's command is rendered with. */
export interface RenderContext {
  /** The trial's parameters; inactive conditional parameters are absent. */
  readonly config: Config;
  readonly space: SearchSpace;
  /** Value of `{budget}`; required when the template uses it. */
  readonly budget?: number;
  readonly trialId: string;
  readonly trialDir: string;
}

/**
 * Renders a template (from the validated study spec) into argv.
 *
 * - A token that is exactly `{args}` becomes one `--name=value` token per active parameter, in space
 *   order; `{args}` inside a longer token inserts the same items joined by single spaces. A `flag`
 *   parameter is `--name` when true and absent when false, in `{args}` and as a token that is only `{name}`.
 * - A token that mentions an inactive conditional parameter is dropped. When the token before it is a
 *   bare option (`-m`, `--momentum`: starts with `-`, no `=`, no placeholder) it is dropped too, so that
 *   `--momentum {momentum}` disappears as a pair. `--momentum={momentum}` is the unambiguous spelling.
 * - Values are never interpreted: each rendered token is one argv element, whatever it contains.
 *
 * Throws on a malformed template, an unknown placeholder, a missing budget or an empty result: the
 * study-file validator rejects those, so a throw here is a programming error.
 */
export function renderCommand(template: readonly string[], ctx: RenderContext): [string, ...string[]] {
  const out: string[] = [];
  // Whether out's last element came from a bare option token (a candidate to drop with its value).
  let lastWasBareOption = false;
  for (const token of template) {
    const parsed = parseTemplateToken(token);
    if (!parsed.ok) throw new Error(`invalid command template: ${parsed.error}`);
    const parts = parsed.value;
    const hasPlaceholder = parts.some((p) => p.kind === 'placeholder');
    if (parts.some((p) => p.kind === 'placeholder' && ctx.space.params.has(p.name) && !(p.name in ctx.config))) {
      if (lastWasBareOption) out.pop();
      lastWasBareOption = false;
      continue;
    }
    // A token that is only `{args}`, or only a flag parameter: as many argv items as it stands for (maybe none).
    const lone = parts.length === 1 && parts[0]?.kind === 'placeholder' ? parts[0].name : undefined;
    if (lone === 'args' || (lone !== undefined && isFlag(ctx.space.params.get(lone)))) {
      out.push(...(lone === 'args' ? argsItems(ctx) : flagItems(lone, ctx.config[lone])));
      lastWasBareOption = false;
      continue;
    }
    let rendered = '';
    for (const part of parts) rendered += part.kind === 'text' ? part.text : placeholderValue(part.name, ctx);
    out.push(rendered);
    lastWasBareOption = !hasPlaceholder && rendered.startsWith('-') && rendered.length > 1 && !rendered.includes('=');
  }
  const [first, ...rest] = out;
  if (first === undefined) throw new Error('the rendered command is empty');
  return [first, ...rest];
}

function argsItems(ctx: RenderContext): string[] {
  const items: string[] = [];
  for (const [name, spec] of ctx.space.params) {
    const value = ctx.config[name];
    if (value === undefined) continue;
    if (isFlag(spec)) items.push(...flagItems(name, value));
    else items.push(`--${name}=${formatParamValue(value, spec)}`);
  }
  return items;
}

/** A categorical with `flag: true`: an on/off command-line option. */
function isFlag(spec: ParamSpec | undefined): boolean {
  return spec?.kind === 'categorical' && spec.flag === true;
}

/** A flag parameter on the command line: `--name` when on, nothing when off. */
function flagItems(name: string, value: ParamValue | undefined): string[] {
  return value === true ? [`--${name}`] : [];
}

function placeholderValue(name: string, ctx: RenderContext): string {
  switch (name) {
    case 'args':
      return argsItems(ctx).join(' ');
    case 'budget':
      if (ctx.budget === undefined) throw new Error('the command uses {budget} but no budget was given');
      return formatParamValue(ctx.budget);
    case 'trial_id':
      return ctx.trialId;
    case 'trial_dir':
      return ctx.trialDir;
  }
  const value = ctx.config[name];
  if (value === undefined) {
    throw new Error(`the command uses {${name}}, which is neither a parameter nor one of ${RESERVED_PLACEHOLDERS.join(', ')}`);
  }
  return formatParamValue(value, ctx.space.params.get(name));
}
