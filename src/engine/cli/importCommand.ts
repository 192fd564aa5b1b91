/**
 * `rung import`: turns a W&B sweep configuration, an NNI search space or an NNI experiment config into a
 * Rung study file (engine/importers). The YAML goes to stdout, or to --out (never over an existing file);
 * what did not carry over goes to stderr as positioned warnings (it is in the file's header too), and
 * malformed input gives positioned errors (file:line:col) and exit status 1. Usage errors exit with 2.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { argsErrorMessage } from './argsError';
import { defaultStudyFile, IMPORT_FORMAT_LABELS, importSweep, type ImportTool } from '../importers/index';
import { formatSpecIssue, type SpecIssue } from '../spec/specIssue';
import { shellQuote } from './format';
import type { CliIo } from './main';

export const importUsage = 'rung import <sweep.yaml|config.yml|search_space.json> [--from wandb|nni] [--out FILE]';

const help = `${importUsage}

Turns another tool's sweep definition into a Rung study file:
  a W&B sweep configuration (YAML or JSON), an NNI search space (search_space.json),
  or an NNI experiment config (config.yml, with its searchSpaceFile or inline searchSpace).
The format is recognised from the content; --from wandb|nni forces the tool.
The study file goes to stdout, or to --out FILE (never over an existing file). Its paths assume it
sits beside the input unless --out says where it goes. What did not carry over is listed at the top
of the file and printed here as warnings.`;

const TOOLS: readonly ImportTool[] = ['wandb', 'nni'];

export async function importCommand(args: readonly string[], io: CliIo): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`rung: ${message}\n\nUsage: ${importUsage}\n`);
    return 2;
  };
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (error) {
    return usage(argsErrorMessage(error, Object.keys(importOptions)));
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout(`${help}\n`);
    return 0;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) return usage('import needs one file: a W&B sweep, an NNI search space or an NNI config');
  const from = values.from;
  if (from !== undefined && !(TOOLS as readonly string[]).includes(from)) return usage(`--from must be wandb or nni, got "${from}"`);

  const inputPath = path.resolve(input);
  if (!existsSync(inputPath)) {
    io.stderr(`rung: no such file: ${input}\n`);
    return 1;
  }
  const out = values.out !== undefined ? path.resolve(values.out) : undefined;
  if (out !== undefined && existsSync(out)) {
    io.stderr(`rung: ${values.out} already exists; choose another --out (nothing was overwritten)\n`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(inputPath, 'utf8');
  } catch (error) {
    io.stderr(`rung: cannot read ${input}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  const result = importSweep(text, {
    file: inputPath,
    ...(from !== undefined ? { from: from as ImportTool } : {}),
    studyFile: out ?? defaultStudyFile(inputPath),
  });
  // Files under the working folder are shown relative to it, others by their absolute path.
  const base = process.cwd();
  const show = (issue: SpecIssue): string => formatSpecIssue(issue, issue.file.startsWith(`${base}${path.sep}`) ? base : undefined);
  if (!result.ok) {
    for (const issue of result.error) io.stderr(`${show(issue)}\n`);
    const errors = result.error.filter((i) => i.severity === 'error').length;
    io.stderr(`${errors} error${errors === 1 ? '' : 's'} in ${input}; nothing was written\n`);
    return 1;
  }
  const imported = result.value;
  for (const issue of imported.warnings) io.stderr(`${show(issue)}\n`);

  if (out !== undefined) {
    try {
      // `wx`: a file that appeared since the check above is not overwritten either.
      writeFileSync(out, imported.text, { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      io.stderr(`rung: cannot write ${values.out}: ${code === 'EEXIST' ? 'it already exists (nothing was overwritten)' : error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  } else {
    io.stdout(imported.text);
  }
  const warnings = imported.warnings.length;
  io.stderr(
    `imported ${IMPORT_FORMAT_LABELS[imported.format]} as study "${imported.studyName}" (${imported.parameters} parameter${imported.parameters === 1 ? '' : 's'})` +
      `${out !== undefined ? ` into ${values.out}` : ''}${warnings > 0 ? `; ${warnings} warning${warnings === 1 ? '' : 's'}: what did not carry over is listed at the top of the file` : ''}\n`,
  );
  if (out !== undefined) io.stderr(`next: review it, then rung run ${shellQuote(values.out ?? out)}\n`);
  return 0;
}

const importOptions = { from: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

function parseImportArgs(args: readonly string[]) {
  return parseArgs({ args: [...args], options: importOptions, allowPositionals: true, strict: true });
}

