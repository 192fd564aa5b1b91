/**
 * `rung import`: another tool's sweep definition → a Rung study file (YAML with short comments on what was
 * mapped and what could not be). Pure engine code (no vscode); the CLI (cli/importCommand.ts) and the
 * extension's "Import Sweep" command are thin hosts over `importSweep`.
 *
 * Formats: a W&B sweep configuration (YAML or JSON), an NNI search space (`search_space.json`) and an NNI
 * experiment config (`config.yml`, v2 or v1, with its search space inline or in `searchSpaceFile`). The
 * format is recognised from the content (`from` forces the tool). Malformed input gives positioned errors
 * (file:line:col, as the study file's own); whatever does not carry over gives a positioned warning and a
 * line in the generated file's header, so nothing is dropped silently. The text is checked with Rung's own
 * study-file parser before it is returned.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkStudySpec } from '../spec/parseStudySpec';
import type { SpecIssue } from '../spec/specIssue';
import { err, ok, type Result } from '../util/result';
import type { ImportContext, ImportFs } from './common';
import { importNniConfig, importNniSearchSpace, NNI_CONFIG_MARKERS } from './nni';
import { SourceFile } from './sourceFile';
import { renderDraft, type StudyDraft } from './studyDraft';
import { importWandb } from './wandb';

export type { ImportFs } from './common';

/** The tool named by `--from`. */
export type ImportTool = 'wandb' | 'nni';

/** What was recognised in the input. */
export type ImportFormat = 'wandb' | 'nni-search-space' | 'nni-config';

export const IMPORT_FORMAT_LABELS: Readonly<Record<ImportFormat, string>> = {
  wandb: 'a W&B sweep configuration',
  'nni-search-space': 'an NNI search space',
  'nni-config': 'an NNI experiment config',
};

export interface ImportOptions {
  /** Path of the file being imported (made absolute); issues name it, relative paths in it start from its folder. */
  readonly file: string;
  /** Force the tool instead of recognising it from the content. */
  readonly from?: ImportTool;
  /**
   * Where the study file will be written (made absolute). Default: `<stem>.rung.yaml` beside the input. Its
   * folder decides `cwd:` (the trials run where the sweep's program ran) and its name the study's, when the
   * source names none.
   */
  readonly studyFile?: string;
  /** The study's `name:`, instead of the source's or one derived from the file names. */
  readonly studyName?: string;
  /** File access (an NNI config's searchSpaceFile, the trial script next to a search space); default the real disk. */
  readonly fs?: ImportFs;
}

export interface ImportResult {
  /** The study file (YAML with comments); parses and validates with parseStudySpec. */
  readonly text: string;
  readonly format: ImportFormat;
  /** The study's `name:`. */
  readonly studyName: string;
  /** Number of search parameters. */
  readonly parameters: number;
  /** What did not carry over, positioned in the source file(s), severity `warning`. */
  readonly warnings: readonly SpecIssue[];
}

const realFs: ImportFs = {
  readFile: (p) => readFileSync(p, 'utf8'),
  listDir: (p) => readdirSync(p),
};

/** `<stem>.rung.yaml` beside the input (`sweep.yaml` → `sweep.rung.yaml`). */
export function defaultStudyFile(input: string): string {
  const base = path.basename(input).replace(/\.(?:ya?ml|json)$/i, '') || 'imported';
  return path.join(path.dirname(path.resolve(input)), `${base}.rung.yaml`);
}

/**
 * Turns a sweep definition into a study file. Errors (severity `error`) when the input is malformed or its
 * format cannot be told; otherwise the text and the warnings.
 */
export function importSweep(text: string, options: ImportOptions): Result<ImportResult, SpecIssue[]> {
  const inputFile = path.resolve(options.file);
  const src = new SourceFile(inputFile, text);
  if (src.hasErrors) return err(sorted(src.issues));
  const format = detectFormat(src, options.from);
  if (format === undefined) return err(sorted(src.issues));
  const ctx: ImportContext = {
    inputFile,
    studyFile: path.resolve(options.studyFile ?? defaultStudyFile(inputFile)),
    ...(options.studyName !== undefined ? { studyName: options.studyName } : {}),
    fs: options.fs ?? realFs,
  };
  const sources: SourceFile[] = [src];
  let draft: StudyDraft | undefined;
  if (format === 'wandb') draft = importWandb(src, ctx);
  else if (format === 'nni-search-space') draft = importNniSearchSpace(src, ctx);
  else draft = importNniConfig(src, ctx, sources);
  const issues = sources.flatMap((s) => [...s.issues]);
  if (!draft || issues.some((i) => i.severity === 'error')) {
    // A draft is only missing after an error; say so if an importer ever forgets to report one.
    if (!issues.some((i) => i.severity === 'error')) issues.push({ ...atStart(inputFile), message: 'nothing could be imported', severity: 'error' });
    return err(sorted(issues));
  }
  const rendered = renderDraft(draft);
  // The contract: what `rung import` writes is a valid study file. A failure here is a bug in an importer.
  const check = checkStudySpec(rendered, ctx.studyFile);
  const broken = check.issues.filter((i) => i.severity === 'error');
  if (broken.length > 0) {
    const first = broken[0];
    return err([
      {
        ...atStart(inputFile),
        message: `internal error: the imported study file does not validate (${first ? `${first.line}:${first.column}: ${first.message}` : 'unknown'}); please report this with the input file`,
        severity: 'error',
      },
    ]);
  }
  return ok({ text: rendered, format, studyName: draft.name.value, parameters: draft.params.length, warnings: sorted(issues) });
}

/**
 * Which format the file is, from its content (or the tool `from` names). Reports an error in `src` and returns
 * undefined when it cannot tell.
 */
function detectFormat(src: SourceFile, from: ImportTool | undefined): ImportFormat | undefined {
  const root = src.root;
  if (!src.isMapping(root)) {
    src.error(root, '', `expected a mapping (a W&B sweep configuration, an NNI search space or an NNI experiment config)`);
    return undefined;
  }
  const entries = src.entries(root, '');
  const keys = new Set(entries.map((e) => e.key));
  const isSearchSpace = entries.length > 0 && entries.every((e) => src.entries(e.value, e.path).some((f) => f.key === '_type'));
  const nniConfigScore = NNI_CONFIG_MARKERS.filter((k) => keys.has(k)).length;
  const wandbScore = ['program', 'method', 'parameters', 'early_terminate', 'run_cap', 'metric', 'command'].filter((k) => keys.has(k)).length;
  if (from === 'wandb') return 'wandb';
  if (from === 'nni') return isSearchSpace || nniConfigScore === 0 ? 'nni-search-space' : 'nni-config';
  if (isSearchSpace) return 'nni-search-space';
  if (wandbScore > nniConfigScore) return 'wandb';
  if (nniConfigScore > wandbScore) return 'nni-config';
  const seen = [...keys].slice(0, 6).join(', ');
  src.error(root, '', `cannot tell which tool this file is for (keys: ${seen}${keys.size > 6 ? ', ...' : ''}): a W&B sweep has program/method/parameters, an NNI config trialCommand/searchSpaceFile, an NNI search space {"name": {"_type": ...}}; use --from wandb or --from nni`);
  return undefined;
}

function atStart(file: string): Omit<SpecIssue, 'message' | 'severity'> {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1, path: '' };
}

function sorted(issues: readonly SpecIssue[]): SpecIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
