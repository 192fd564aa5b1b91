/**
 * What only the file system can tell about a valid study file, as positioned warnings for `rung validate`,
 * `rung run` and the editor: a `cwd` that does not exist (every trial would fail to start) and a script the
 * command names that is not there (a typo such as `trian.py`, with a did-you-mean over the folder's files).
 * Also, for `rung validate`, what only the machine can tell: fewer GPUs than `gpus_per_trial` asks for.
 * The parser stays pure; these checks read the disk when a caller asks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isEnvAssignment, parseTemplateToken } from '../runner/commandTemplate';
import { didYouMean } from './didYouMean';
import type { SpecIssue } from './specIssue';
import type { StudySpec } from './studySpec';

/** Script extensions worth checking: a token ending so, without placeholders, is a file the command runs. */
const SCRIPT_FILE = /\.(py|sh|bash|js|mjs|cjs|ts|r|jl|rb|pl|lua)$/i;

/** Warnings about files, placed on the text they are about in `text` (the study file as parsed). */
export function fileIssues(spec: StudySpec, text: string, file: string): SpecIssue[] {
  const at = (needle: string, after: string, pathOf: string, message: string): SpecIssue => warningAt(text, file, needle, after, pathOf, message);
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
    return [at('cwd', 'cwd', 'cwd', `the trials' folder ${spec.cwd} does not exist (cwd, or the study file's folder): every trial would fail to start`)];
  }
  const issues: SpecIssue[] = [];
  spec.command.forEach((token, index) => {
    if (token.startsWith('-') || isEnvAssignment(token) || !SCRIPT_FILE.test(token)) return;
    const parts = parseTemplateToken(token);
    if (!parts.ok || parts.value.some((p) => p.kind === 'placeholder')) return;
    const script = path.resolve(spec.cwd, token);
    if (existsSync(script)) return;
    const folder = path.dirname(script);
    const siblings = existsSync(folder) ? readdirSync(folder) : [];
    issues.push(at(token, 'command', `command[${index}]`, `the command runs ${token}, which is not in ${folder}${didYouMean(path.basename(token), siblings)}`));
  });
  return issues;
}

/**
 * A local study whose `resources.gpus_per_trial` asks for more GPUs than `gpus` (what nvidia-smi lists here):
 * a warning, not an error — the file may be meant for another machine — but `rung run` here would refuse.
 * Slurm studies get their GPUs from the cluster, so nothing is said about this machine's.
 */
export function gpuIssue(spec: StudySpec, text: string, file: string, gpus: readonly number[]): SpecIssue | undefined {
  const perTrial = spec.resources.gpusPerTrial;
  if (spec.launcher.type === 'slurm' || perTrial <= gpus.length) return undefined;
  const found = gpus.length === 0 ? 'no NVIDIA GPU was found on this machine (nvidia-smi)' : `only ${gpus.length} GPU(s) were found on this machine (nvidia-smi)`;
  return warningAt(text, file, 'gpus_per_trial', 'resources', 'resources.gpus_per_trial', `resources.gpus_per_trial is ${perTrial} but ${found}: rung run would refuse to start here`);
}

/** A warning on the first `needle` after the first `after` in `text` (on `after` itself when there is none). */
function warningAt(text: string, file: string, needle: string, after: string, pathOf: string, message: string): SpecIssue {
  const start = Math.max(0, text.indexOf(after));
  const found = text.indexOf(needle, start);
  const offset = found >= 0 ? found : start;
  const length = found >= 0 ? needle.length : after.length;
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return { file, line, column, endLine: line, endColumn: column + length, path: pathOf, message, severity: 'warning' };
}
