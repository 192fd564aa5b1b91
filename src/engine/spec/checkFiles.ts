/**
 * What only the file system can tell about a valid study file, as warnings for `rung validate` and
 * `rung run`: a `cwd` that does not exist (every trial would fail to start) and a script the command
 * names that is not there (a typo such as `trian.py`, with a did-you-mean over the folder's files).
 * The parser stays pure; these checks read the disk once, when a command asks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTemplateToken } from '../runner/commandTemplate';
import { didYouMean } from './didYouMean';
import type { StudySpec } from './studySpec';

/** Script extensions worth checking: a token ending so, without placeholders, is a file the command runs. */
const SCRIPT_FILE = /\.(py|sh|bash|js|mjs|cjs|ts|r|jl|rb|pl|lua)$/i;

export function fileWarnings(spec: StudySpec): string[] {
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
    return [`the trials' folder ${spec.cwd} does not exist (cwd, or the study file's folder): every trial would fail to start`];
  }
  const warnings: string[] = [];
  for (const token of spec.command) {
    if (token.startsWith('-') || !SCRIPT_FILE.test(token)) continue;
    const parts = parseTemplateToken(token);
    if (!parts.ok || parts.value.some((p) => p.kind === 'placeholder')) continue;
    const file = path.resolve(spec.cwd, token);
    if (existsSync(file)) continue;
    const folder = path.dirname(file);
    const siblings = existsSync(folder) ? readdirSync(folder) : [];
    warnings.push(`the command runs ${token}, which is not in ${folder}${didYouMean(path.basename(token), siblings)}`);
  }
  return warnings;
}
