/**
 * The `rung ask-tell` subcommand: flags → AskTellOptions, stdin lines → serveAskTell → stdout. Replies are the
 * only thing written to stdout; diagnostics go to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { argsErrorMessage } from '../cli/argsError';
import packageJson from '../../../package.json';
import { formatSpecIssue, parseStudySpec } from '../spec/parseStudySpec';
import { err, ok, type Result } from '../util/result';
import { serveAskTell, type AskTellOptions, type StudyDefaults } from './askTellServer';
import { methodHelp, samplerByName, schedulerByName } from './methods';
import { spaceFromProtocol } from './spaceFromProtocol';
import type { SearchSpace } from '../space/searchSpace';

/** Usage lines for `rung --help`. */
export const askTellUsage = `  rung ask-tell [--space FILE] [--sampler NAME] [--scheduler NAME] [--seed N]
                                    serve the hpo-jsonl/1 ask/report/tell protocol on stdin/stdout for an
                                    external benchmark harness; init.method (SAMPLER[_SCHEDULER], e.g. tpe, gp,
                                    tpe_hyperband, random_asha) or the flags pick the method`;

/** Where the command reads and writes (the real process streams by default; tests pass their own). */
export interface AskTellIo {
  readonly input: NodeJS.ReadableStream;
  /** Writes one reply; a returned promise resolves once the text is handed to the OS (the flush). */
  readonly stdout: (text: string) => void | Promise<void>;
  readonly stderr: (text: string) => void;
}

/** Reads `--space`: protocol space JSON (`{"params": [...]}`, or a problem object holding `space`) or a study file. */
export function loadSpaceFile(file: string): Result<{ space: SearchSpace; study?: StudyDefaults }, string> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) return err(`no such file: ${file}`);
  const text = readFileSync(absolute, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    const candidate = Array.isArray(record['params']) ? record : record['space'];
    if (candidate !== undefined && !('parameters' in record)) {
      const converted = spaceFromProtocol(candidate);
      return converted.ok ? ok({ space: converted.value }) : err(`${file}: ${converted.error.join('; ')}`);
    }
  }
  const parsed = parseStudySpec(text, absolute);
  if (!parsed.ok) return err(parsed.error.map((issue) => formatSpecIssue(issue)).join('\n'));
  const spec = parsed.value;
  return ok({
    space: spec.space,
    study: {
      sampler: { type: spec.sampler.type, options: spec.sampler.options },
      scheduler: {
        type: spec.scheduler.type,
        options: spec.scheduler.options,
        maxBudget: spec.scheduler.maxBudget,
        ...(spec.scheduler.minBudget !== undefined ? { minBudget: spec.scheduler.minBudget } : {}),
      },
      ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
      goal: spec.metric.goal,
      ...(spec.trials !== undefined ? { trials: spec.trials } : {}),
    },
  });
}

/** Runs `rung ask-tell ARGS`; resolves with the exit code (2 for a usage error) when the input ends or on shutdown. */
export async function askTellCommand(args: readonly string[], io: AskTellIo = defaultIo()): Promise<number> {
  let values: { space?: string | boolean; sampler?: string | boolean; scheduler?: string | boolean; seed?: string | boolean };
  const flags = { space: { type: 'string' }, sampler: { type: 'string' }, scheduler: { type: 'string' }, seed: { type: 'string' } } as const;
  try {
    ({ values } = parseArgs({ args: [...args], options: flags, allowPositionals: false, strict: true }));
  } catch (e) {
    io.stderr(`rung ask-tell: ${argsErrorMessage(e, Object.keys(flags))}\n${askTellUsage}\n`);
    return 2;
  }
  const problems: string[] = [];
  const sampler = typeof values.sampler === 'string' ? values.sampler : undefined;
  const scheduler = typeof values.scheduler === 'string' ? values.scheduler : undefined;
  if (sampler !== undefined && !samplerByName(sampler)) problems.push(`unknown sampler "${sampler}"`);
  if (scheduler !== undefined && !schedulerByName(scheduler)) problems.push(`unknown scheduler "${scheduler}"`);
  let seed: number | undefined;
  if (typeof values.seed === 'string') {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) problems.push(`--seed needs an integer >= 0, got "${values.seed}"`);
  }
  if (problems.length > 0) {
    io.stderr(`rung ask-tell: ${problems.join('; ')}\n(${methodHelp()})\n`);
    return 2;
  }
  let loaded: { space: SearchSpace; study?: StudyDefaults } | undefined;
  if (typeof values.space === 'string') {
    const result = loadSpaceFile(values.space);
    if (!result.ok) {
      io.stderr(`rung ask-tell: ${result.error}\n`);
      return 1;
    }
    loaded = result.value;
  }
  const options: AskTellOptions = {
    ...(sampler !== undefined ? { sampler } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(loaded ? { space: loaded.space } : {}),
    ...(loaded?.study ? { study: loaded.study } : {}),
    log: (m) => io.stderr(`${m}\n`),
    engineVersion: packageJson.version,
  };
  const lines = createInterface({ input: io.input, crlfDelay: Infinity, terminal: false });
  try {
    await serveAskTell(lines, io.stdout, options);
  } finally {
    lines.close();
  }
  return 0;
}

function defaultIo(): AskTellIo {
  return {
    input: process.stdin,
    // Resolve on the write callback: the reply has left Node's buffers before the next request is read.
    stdout: (t) => new Promise<void>((resolve, reject) => process.stdout.write(t, (e) => (e ? reject(e) : resolve()))),
    stderr: (t) => process.stderr.write(t),
  };
}
