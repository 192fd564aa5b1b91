/**
 * `rung`: the headless host over the engine. The composition root for the CLI: it parses arguments,
 * builds a StudyRunner and renders progress; all study logic lives in the engine.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { finalStatuses } from '../../shared/ids';
import { askTellCommand, askTellUsage } from '../askTell/askTellCommand';
import { fileIssues, gpuIssue } from '../spec/checkFiles';
import { checkStudySpec, formatSpecIssue } from '../spec/parseStudySpec';
import { closestMatch } from '../spec/didYouMean';
import { studyFileJsonSchema } from '../spec/schema';
import { withTrialBudget, type StudySpec } from '../spec/studySpec';
import { eventsFile, listStudyDirs, readLock, StudyLockedError, StudyNotFoundError } from '../store/jsonlStore';
import { describeDecision } from '../store/decisionText';
import { loadStudy, type LoadedStudy } from '../store/loadStudy';
import { detectGpus } from '../runner/gpus';
import { programIndex, splitEnvAssignments } from '../runner/commandTemplate';
import { createScheduler } from '../schedulers/registry';
import type { SchedulePlan } from '../schedulers/scheduler';
import { firstRungHint, isWeakRung, rungReliability, suggestFirstRung, WEAK_RUNG_NOTE } from '../schedulers/rungReliability';
import { countTrials, trialRunMs, type StudySnapshot, type TrialSnapshot } from '../store/project';
import { openStudyIndex, summaryOfSnapshot, type StudySummary } from '../store/studyIndex';
import { createStudyRunner } from '../study';
import { inspectScript } from '../tune/inspectScript';
import { proposeStudy, studyNameFor } from '../tune/proposeStudy';
import { csvField, formatDuration, formatNumber, formatParam, shellQuote, table } from './format';
import { argsErrorMessage } from './argsError';
import { importCommand, importUsage } from './importCommand';
import { createProgressRenderer } from './progress';
import { FileExistsError, writeFileAtomic } from './writeFileAtomic';

const usage = `rung — tune the hyperparameters of training scripts

Usage:
  rung run <study.rung.yaml> [--store DIR] [--fresh] [--trials N] [--parallel N] [--python PATH] [--quiet | --json]
  rung resume <study> [--store DIR] [--trials N] [--parallel N] [--python PATH] [--quiet | --json]
  rung validate <study.rung.yaml>
  rung ls [--store DIR]
  rung show <study> [--store DIR] [--top N]
  rung export <study> --format csv|json [--out FILE [--force]] [--store DIR]
                                    (--out never replaces an existing FILE; --force does)
  rung stop <study> [--store DIR]
  rung schema                       print the study file's JSON Schema
  rung propose <script.py> [--python PATH] [--out FILE]   propose a study file for a script (read, not run)
  ${importUsage}
                                    a study file from a W&B sweep or an NNI search space/config
${askTellUsage}

The store (default ./.rung, or $RUNG_STORE) holds one folder per study with its event log and trial folders.
A command whose program is python/python3 runs with --python or $RUNG_PYTHON when given.`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTty: boolean;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: process.stderr.isTTY === true,
};

class UsageError extends Error {}

/**
 * The usage lines of one command (with their continuation lines) and a pointer to the rest, for a usage
 * error: the whole text after every mistyped option buried the one line that matters. The whole text for an
 * unknown command.
 */
export function commandUsage(command: string | undefined): string {
  const lines = usage.split('\n');
  const picked: string[] = [];
  let inCommand = false;
  for (const line of lines) {
    if (/^ {2}rung /.test(line)) inCommand = command !== undefined && (line === `  rung ${command}` || line.startsWith(`  rung ${command} `));
    else if (!/^ {6,}\S/.test(line)) inCommand = false;
    if (inCommand) picked.push(line);
  }
  return picked.length > 0 ? `Usage:\n${picked.join('\n')}\n(rung --help lists every command)` : usage;
}

/** The commands, for did-you-mean and per-command help. */
const commands = ['run', 'resume', 'validate', 'ls', 'show', 'export', 'stop', 'ask-tell', 'propose', 'import', 'schema'];

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  // `rung show --help`, `rung help show`: that command's usage, on stdout, as a request (exit 0). `import`
  // has a longer help of its own.
  const helpFor = command === 'help' ? rest[0] : rest.some((a) => a === '--help' || a === '-h') ? command : undefined;
  if (helpFor === 'import') return importCommand(['--help'], io);
  if (helpFor !== undefined && commands.includes(helpFor)) {
    io.stdout(`${commandUsage(helpFor)}\n`);
    return 0;
  }
  if (command === 'help' && helpFor !== undefined) {
    io.stderr(`rung: ${unknownCommand(helpFor)}\n\n${usage}\n`);
    return 2;
  }
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest, io, false);
      case 'resume':
        return await runCommand(rest, io, true);
      case 'validate':
        return await validateCommand(rest, io);
      case 'ls':
        return await lsCommand(rest, io);
      case 'show':
        return await showCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case 'stop':
        return await stopCommand(rest, io);
      case 'ask-tell':
        return await askTellCommand(rest);
      case 'propose':
        return await proposeCommand(rest, io);
      case 'import':
        return await importCommand(rest, io);
      case 'schema':
        io.stdout(`${JSON.stringify(studyFileJsonSchema(), null, 2)}\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${usage}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(unknownCommand(command));
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`rung: ${error.message}\n\n${commandUsage(command)}\n`);
      return 2;
    }
    const hint = error instanceof StudyNotFoundError ? await studyNameHint(error) : '';
    const message = error instanceof StudyLockedError ? withStoreInStopHint(error) : error instanceof Error ? error.message : String(error);
    io.stderr(`rung: ${message}${hint}\n`);
    return 1;
  }
}

/** A locked study's "stop it with rung stop <study>" names the store when it is not the default one, as "show it:" does. */
function withStoreInStopHint(error: StudyLockedError): string {
  const root = path.dirname(path.dirname(path.resolve(error.lockPath)));
  if (root === path.resolve('.rung')) return error.message;
  const stop = `rung stop ${error.study}`;
  return error.message.replace(`"${stop}"`, `"${stop} --store ${shellQuote(path.relative(process.cwd(), root) || '.')}"`);
}

function unknownCommand(command: string): string {
  const guess = closestMatch(command, commands);
  return `unknown command "${command}"${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}`;
}

/** ` (did you mean "quadratic"?)`, or the studies that are there, for a study name that is not in the store. */
async function studyNameHint(error: StudyNotFoundError): Promise<string> {
  const names = await listStudyDirs(error.root);
  if (names.length === 0) return '; it has no studies';
  const guess = closestMatch(error.study, names);
  if (guess !== undefined) return ` (did you mean "${guess}"?)`;
  return `; studies there: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
}

function parse<const O extends ParseArgsOptionsConfig>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(argsErrorMessage(error, Object.keys(options)));
  }
}

function storeRoot(option: string | boolean | undefined): string {
  const given = typeof option === 'string' ? option : process.env['RUNG_STORE'];
  return path.resolve(given ?? '.rung');
}

function positiveInt(value: string | boolean | undefined, name: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} needs a positive integer, got "${value}"`);
  return n;
}

/** Reads and parses a study file; prints positioned errors and returns undefined when it is invalid. */
function readSpec(file: string, io: CliIo): { spec: StudySpec; text: string; source: unknown } | undefined {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new Error(`no such study file: ${file}`);
  const text = readFileSync(absolute, 'utf8');
  const checked = checkStudySpec(text, absolute);
  // Warnings too (a step that does not divide the range, a missing script): the file is valid, but say so.
  for (const issue of checked.issues) io.stderr(`${formatSpecIssue(issue)}\n`);
  if (!checked.spec) {
    const errors = checked.issues.filter((i) => i.severity === 'error').length;
    io.stderr(`${errors} error${errors === 1 ? '' : 's'} in ${file}\n`);
    return undefined;
  }
  for (const issue of fileIssues(checked.spec, text, absolute)) io.stderr(`${formatSpecIssue(issue)}\n`);
  return { spec: checked.spec, text, source: checked.spec.source };
}

function pythonHelperDir(): string | undefined {
  // dist/cli.js → <package>/python; the helper ships in the package next to dist/.
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (const candidate of [path.join(here, '..', 'python'), path.join(here, '..', '..', '..', 'python')]) {
    if (existsSync(path.join(candidate, 'rung', '__init__.py'))) return candidate;
  }
  return undefined;
}

async function runCommand(args: readonly string[], io: CliIo, isResume: boolean): Promise<number> {
  const { values, positionals } = parse(args, {
    store: { type: 'string' },
    fresh: { type: 'boolean' },
    trials: { type: 'string' },
    parallel: { type: 'string' },
    python: { type: 'string' },
    quiet: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new UsageError(isResume ? 'resume needs one study name' : 'run needs one study file');
  const root = storeRoot(values.store);

  let loaded: { spec: StudySpec; text: string; source: unknown } | undefined;
  if (isResume) {
    const study = await loadStudy(root, target);
    const created = study.events.find((e) => e.event.type === 'study.created')?.event;
    if (created?.type !== 'study.created' || created.spec.text === undefined) throw new Error(`cannot resume ${target}: no stored study file`);
    loaded = { spec: study.spec, text: created.spec.text, source: created.spec.source };
  } else {
    loaded = readSpec(target, io);
    if (!loaded) return 1;
  }
  const trials = positiveInt(values.trials, 'trials');
  const parallel = positiveInt(values.parallel, 'parallel');
  const budgeted = trials !== undefined ? withTrialBudget(loaded.spec, trials) : loaded.spec;
  const spec: StudySpec = { ...budgeted, ...(parallel !== undefined ? { parallel } : {}) };

  const mode = values.json ? 'json' : values.quiet ? 'quiet' : 'human';
  // The reader of stdout may go away (`rung run --json | head`): then nothing more is written there and the
  // study stops as on a Ctrl-C (see onStdoutError below), instead of rung dying of EPIPE with its trials'
  // ends unlogged, which would leave a "crashed" study.
  let stdoutClosed = false;
  const out = (text: string): void => {
    if (!stdoutClosed) io.stdout(text);
  };
  const helperDir = pythonHelperDir();
  const runner = createStudyRunner({
    spec,
    stored: { ...(spec.file !== undefined ? { file: spec.file } : {}), source: loaded.source, text: loaded.text },
    storeRoot: root,
    ...(typeof values.python === 'string' ? { python: values.python } : {}),
    ...(helperDir !== undefined ? { pythonHelperDir: helperDir } : {}),
    fresh: values.fresh === true,
    log: (m) => (mode === 'json' ? out(`${JSON.stringify({ type: 'log', message: m })}\n`) : mode === 'human' && io.stderr(`${m}\n`)),
  });

  const progress = mode === 'human' ? createProgressRenderer(spec, io) : undefined;
  let launched = 0;
  runner.events.on((e) => {
    if (e.event.type === 'trial.launched') launched++;
    if (mode === 'json') out(`${JSON.stringify(e)}\n`);
    progress?.onEvent(e, runner.snapshot());
  });

  // Ctrl-C (or `rung stop`): stop gracefully; a second Ctrl-C forces.
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      if (mode !== 'json') io.stderr('\nstopping the study (trials get SIGTERM; Ctrl-C again to force)...\n');
      void runner.stop();
    } else if (interrupts === 2) {
      if (mode !== 'json') io.stderr('killing the trials (Ctrl-C again to exit at once)...\n');
      for (const t of runner.snapshot().trials) {
        // Each local trial leads its own process group: kill the whole group.
        if ((t.status === 'running' || t.status === 'stopping') && t.pid !== undefined) tryKill(-t.pid, 'SIGKILL');
      }
      // The graceful stop under way now sees the trials end at once and writes their ends and study.ended,
      // so the study reads as stopped (not crashed, with trials left "stopping"); the run below then exits
      // 130. Should that not come soon (a trial that is no local process group), exit anyway.
      setTimeout(() => process.exit(130), FORCED_EXIT_WAIT_MS).unref();
    } else {
      process.exit(130);
    }
  };
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' || stdoutClosed) return;
    stdoutClosed = true;
    if (interrupts === 0) onSignal();
  };
  // SIGHUP: the terminal running `rung` was closed. Stop as for a first Ctrl-C (trials get SIGTERM, the study
  // reads as stopped, `rung resume` continues it) instead of Node's default exit, which left it "crashed". The
  // terminal is gone, so what is still written to it must not throw (EIO): errors on both streams are dropped.
  const onHangup = (): void => {
    process.stderr.on('error', ignoreStreamError);
    process.stdout.on('error', ignoreStreamError);
    if (interrupts === 0) {
      interrupts++;
      void runner.stop();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  process.stdout.on('error', onStdoutError);
  try {
    await runner.start();
    const snapshot = await runner.done;
    progress?.finish(snapshot);
    if (mode !== 'json') out(`${summary(snapshot, spec, root)}\n`);
    if (mode !== 'json' && launched === 0 && (snapshot.endReason === 'budgetExhausted' || snapshot.endReason === 'samplerExhausted')) {
      // Running a finished study again continues it (Optuna's load_if_exists), which here has nothing left to do.
      const more = snapshot.endReason === 'budgetExhausted' ? `--trials N (more than ${snapshot.trials.length}) runs more, ` : '';
      const fresh = isResume ? 'rung run <study file> --fresh' : '--fresh';
      out(`nothing was run: the study had already ended (${endText(snapshot.endReason, snapshot.state)}); ${more}${fresh} starts it over\n`);
    }
    // Like Ray Tune's failed-trial error: a study in which every trial that ended failed has no result, and
    // a script or CI job running `rung run` should notice. A user stop (Ctrl-C, `rung stop`) is not that.
    const c = countTrials(snapshot);
    const nothingButFailures = snapshot.endReason !== 'userStopped' && !snapshot.best && c.failed > 0 && c.completed === 0 && c.pruned === 0;
    if (interrupts >= 2) return 130;
    return snapshot.state === 'crashed' || nothingButFailures ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
    // Still listening: a write that was under way when the pipe closed may report EPIPE after this.
    if (!stdoutClosed) process.stdout.off('error', onStdoutError);
  }
}

/** Drops a write error on a stream whose terminal is gone (after SIGHUP); left attached for late writes. */
function ignoreStreamError(): void {}

/** After a second Ctrl-C, how long `rung` waits for the killed trials' ends to be logged before it exits anyway. */
const FORCED_EXIT_WAIT_MS = 5000;

function formatRunTime(ms: number | undefined): string {
  return ms === undefined ? '-' : formatDuration(ms);
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** How a study ended, in words (the log's `study.ended` reason is a code such as `budgetExhausted`). */
function endText(reason: string | null | undefined, state: string, detail?: string): string {
  switch (reason) {
    case 'budgetExhausted':
      return 'finished: trial budget reached';
    case 'samplerExhausted':
      return 'finished: search space exhausted';
    case 'userStopped':
      return 'stopped by the user';
    case 'timeout':
      return 'stopped: study timeout reached';
    case 'error':
      return detail ? `crashed: ${detail}` : 'crashed';
    default:
      return reason ? `${state}: ${reason}` : state;
  }
}

function summary(snapshot: StudySnapshot, spec: StudySpec, root: string): string {
  const c = countTrials(snapshot);
  const lines = [
    `study ${snapshot.study} ${endText(snapshot.endReason, snapshot.state, snapshot.endDetail)} — ${c.completed} completed, ${c.pruned} pruned, ${c.failed} failed, ${c.stopped} stopped`,
  ];
  const best = snapshot.best ? snapshot.trials.find((t) => t.id === snapshot.best?.trialId) : undefined;
  if (best && snapshot.best) {
    lines.push(`best: trial #${best.id} ${spec.metric.name}=${formatNumber(snapshot.best.value)} with ${configText(best)}`);
    lines.push(`show it: rung show ${snapshot.study}${root === path.resolve('.rung') ? '' : ` --store ${shellQuote(path.relative(process.cwd(), root) || '.')}`}`);
  } else {
    lines.push('no trial completed with a finite value');
    const failed = [...snapshot.trials].filter((t) => t.status === 'failed').sort((a, b) => a.number - b.number)[0];
    if (failed) lines.push(`first failure: trial #${failed.id}: ${failed.reason ?? 'failed'}${failed.tail?.length ? ` — ${failed.tail[failed.tail.length - 1]}` : ''}`);
  }
  return lines.join('\n');
}

function configText(t: TrialSnapshot): string {
  return Object.entries(t.config ?? {})
    .map(([k, v]) => `${k}=${formatParam(v)}`)
    .join(' ');
}

async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('validate needs a study file');
  let bad = 0;
  let gpus: number[] | undefined;
  for (const file of positionals) {
    const loaded = readSpec(file, io);
    if (loaded && loaded.spec.resources.gpusPerTrial > 0) {
      gpus ??= await detectGpus();
      const issue = gpuIssue(loaded.spec, loaded.text, path.resolve(file), gpus);
      if (issue) io.stderr(`${formatSpecIssue(issue)}\n`);
    }
    if (loaded) io.stdout(`${file}: ok (${loaded.spec.space.params.size} parameter${loaded.spec.space.params.size === 1 ? '' : 's'}, sampler ${loaded.spec.sampler.type}, scheduler ${loaded.spec.scheduler.type})\n`);
    else bad++;
  }
  return bad === 0 ? 0 : 1;
}

/**
 * `rung propose <script.py>`: reads the script's arguments and prints statically (it is not run) and prints
 * a proposed study file on stdout, or writes it to --out (never over an existing file); the notes on what
 * could not be inferred go to stderr.
 */
async function proposeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { python: { type: 'string' }, out: { type: 'string' } });
  const [script, ...extra] = positionals;
  if (script === undefined || extra.length > 0) throw new UsageError('propose needs one script, e.g. rung propose train.py');
  const scriptPath = path.resolve(script);
  if (!existsSync(scriptPath)) throw new Error(`no such script: ${script}`);
  const helperDir = pythonHelperDir();
  const python = values.python ?? process.env['RUNG_PYTHON'] ?? 'python3';
  const inspection = await inspectScript(scriptPath, {
    python,
    ...(helperDir !== undefined ? { readerPath: path.join(helperDir, 'rung', 'inspect_script.py') } : {}),
  });
  const out = values.out !== undefined ? path.resolve(values.out) : undefined;
  // The command names the script relative to the study file's folder, which is where trials run.
  const studyDir = out !== undefined ? path.dirname(out) : path.dirname(scriptPath);
  const relative = path.relative(studyDir, scriptPath).split(path.sep).join('/');
  const proposal = proposeStudy(inspection, {
    scriptFile: relative,
    studyName: studyNameFor(scriptPath, out !== undefined ? path.basename(out) : undefined),
  });
  if (out !== undefined) {
    if (existsSync(out)) throw new Error(`${values.out} already exists; choose another --out (nothing was overwritten)`);
    writeFileSync(out, proposal.text, { flag: 'wx' });
    io.stderr(`wrote ${values.out}\n`);
  } else {
    io.stdout(proposal.text);
  }
  for (const note of proposal.notes) io.stderr(`note: ${note}\n`);
  return 0;
}

async function lsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { store: { type: 'string' } });
  const root = storeRoot(values.store);
  const names = existsSync(root) ? await listStudyDirs(root) : [];
  if (names.length === 0) {
    io.stdout(`no studies in ${root}\n`);
    return 0;
  }
  const index = await openStudyIndex(root);
  const summaries = new Map((await index.list()).map((s) => [s.name, s]));
  const rows: string[][] = [];
  for (const name of names) {
    const lock = await readLock(root, name);
    // The index is a cache that only a running study writes: a study missing from it (index lost or set
    // aside as corrupt, a study folder copied in from another machine) is summarised from its own log, and so
    // is one whose process died while the index said running (kill -9, a crash): the index holds what it last
    // wrote, at most once a second — 0 trials for one killed before its first trial ended.
    const indexed = summaries.get(name);
    const deadWriter = indexed?.status === 'running' && !lock?.alive;
    const s = indexed !== undefined && !deadWriter ? indexed : ((await summaryFromLog(root, name)) ?? indexed);
    let status: string = s?.status ?? '?';
    if (status === 'running' && !lock?.alive) status = 'crashed';
    rows.push([
      name,
      status,
      String(s?.trials.total ?? '-'),
      String(s?.trials.completed ?? '-'),
      String(s?.trials.pruned ?? '-'),
      String(s?.trials.failed ?? '-'),
      s ? `${s.metric} ${s.goal === 'minimize' ? '↓' : '↑'}` : '-',
      s?.best ? `${formatNumber(s.best.value)} (#${s.best.trialId})` : '-',
      s ? new Date(s.updatedAt).toISOString().replace('T', ' ').slice(0, 19) : '-',
    ]);
  }
  io.stdout(`${table(['study', 'status', 'trials', 'done', 'pruned', 'failed', 'metric', 'best', 'updated'], rows)}\n`);
  return 0;
}

/** A study's index entry computed from its event log; undefined when the log has no study in it. */
async function summaryFromLog(root: string, name: string): Promise<StudySummary | undefined> {
  let study: LoadedStudy;
  try {
    study = await loadStudy(root, name);
  } catch {
    return undefined;
  }
  // No `file`: the index shows the file a study was started from only while that study writes it.
  return summaryOfSnapshot(study.snapshot, { name, metric: study.spec.metric }, study.events.at(-1)?.event.at ?? 0);
}

/** Trials ordered best first: completed by value, then pruned by value, then the rest by number. */
function rankTrials(study: LoadedStudy): TrialSnapshot[] {
  const sign = study.spec.metric.goal === 'minimize' ? 1 : -1;
  const group = (t: TrialSnapshot): number => (t.status === 'completed' && t.value !== null ? 0 : t.status === 'pruned' && t.value !== null ? 1 : 2);
  return [...study.snapshot.trials].sort((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga < 2) return sign * ((a.value ?? 0) - (b.value ?? 0)) || a.number - b.number;
    return a.number - b.number;
  });
}

async function showCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { store: { type: 'string' }, top: { type: 'string' } });
  const name = positionals[0];
  if (!name) throw new UsageError('show needs a study name');
  const study = await loadStudy(storeRoot(values.store), name);
  const { snapshot, spec } = study;
  const top = positiveInt(values.top, 'top');
  const params = [...spec.space.params.keys()];
  const ranked = rankTrials(study);
  const shown = top !== undefined ? ranked.slice(0, top) : ranked;
  const c = countTrials(snapshot);
  const now = Date.now();
  const out: string[] = [];
  out.push(
    `study ${snapshot.study} (${study.isRunning ? `running, pid ${study.runnerPid}` : endText(snapshot.endReason, snapshot.state, snapshot.endDetail)})` +
      ` — ${spec.metric.name} ${spec.metric.goal === 'minimize' ? '↓ minimize' : '↑ maximize'}, seed ${snapshot.seed ?? '-'}`,
  );
  out.push(`trials: ${c.total} (${c.completed} completed, ${c.pruned} pruned, ${c.failed} failed, ${c.stopped} stopped, ${c.running} running)`);
  out.push('');
  const rows = shown.map((t) => [
    `#${t.id}`,
    t.status,
    formatNumber(t.value ?? (finalStatuses.includes(t.status) ? null : t.lastValue)),
    t.valueStep !== null ? String(t.valueStep) : t.lastStep !== null ? String(t.lastStep) : '-',
    // How long its command ran, summed over launches: not endedAt − startedAt, which counts time paused at a rung.
    formatRunTime(trialRunMs(t, now, study.isRunning)),
    ...params.map((p) => formatParam(t.config?.[p])),
    t.reason ?? '',
  ]);
  out.push(table(['trial', 'status', spec.metric.name, 'step', 'time', ...params, 'note'], rows));
  const metricView = { name: spec.metric.name, goal: spec.metric.goal, ...(snapshot.stepUnit !== undefined ? { stepUnit: snapshot.stepUnit } : {}) };
  const decisions = study.events.flatMap(({ event }) =>
    event.type === 'trial.decided' ? [`  ${clockTime(event.at)}  ${describeDecision(event.trialId, event.decision, metricView)}`] : [],
  );
  if (spec.scheduler.type !== 'fifo') {
    const scheduler = createScheduler(spec.scheduler, snapshot.seed ?? 0);
    if (scheduler.ok) {
      const plan = scheduler.value.describe();
      out.push('', `scheduler ${spec.scheduler.type}: ${describePlan(plan)}`);
      out.push(...rungCheckLines(snapshot.trials, plan, spec.scheduler.maxBudget, snapshot.stepUnit ?? 'step'));
    }
    out.push('', decisions.length > 0 ? `decisions (${decisions.length}):` : 'no scheduler decisions yet', ...decisions);
  }
  const best = snapshot.best ? snapshot.trials.find((t) => t.id === snapshot.best?.trialId) : undefined;
  out.push('');
  if (best && snapshot.best) {
    out.push(`best trial #${best.id}: ${spec.metric.name}=${formatNumber(snapshot.best.value)} at step ${snapshot.best.step ?? '-'}`);
    for (const [k, v] of Object.entries(best.config ?? {})) out.push(`  ${k}: ${formatParam(v)}`);
    out.push('reproduce it:');
    out.push(`  ${reproduceCommand(best, spec.launcher.env)}`);
  } else {
    out.push('no completed trial with a finite value yet');
  }
  const failed = snapshot.trials.filter((t) => t.status === 'failed');
  if (failed.length > 0 && failed.length === c.total) {
    const first = failed[0];
    out.push('', `every trial failed; trial #${first?.id}: ${first?.reason ?? ''}`);
    for (const line of first?.tail ?? []) out.push(`  | ${line}`);
  }
  io.stdout(`${out.join('\n')}\n`);
  return 0;
}

/**
 * The early-stopping check of `rung show`: how well each rung ranked the trials that ran to the end
 * (schedulers/rungReliability.ts), with a hint when an early rung ranks them poorly.
 */
function rungCheckLines(trials: readonly TrialSnapshot[], plan: SchedulePlan, maxBudget: number, unit: string): string[] {
  const rungs = [...new Set(plan.brackets.flatMap((b) => b.rungs))].sort((a, b) => a - b);
  const checks = rungReliability(trials, rungs, maxBudget).filter((r) => r.n >= 2 && Number.isFinite(r.tau));
  if (checks.length === 0) return [];
  const lines = ['', `early-stopping check (Kendall's τ between a rung's values and the final ones, over trials that ran to ${unit} ${formatNumber(maxBudget)}):`];
  for (const r of checks) lines.push(`  ${unit} ${formatNumber(r.budget)}: τ ${r.tau.toFixed(2)} over ${r.n} trials${isWeakRung(r) ? ` — ${WEAK_RUNG_NOTE}` : ''}`);
  const suggestion = suggestFirstRung(checks);
  if (suggestion.weak) lines.push(`  hint: ${firstRungHint(suggestion.minBudget !== undefined ? formatNumber(suggestion.minBudget) : undefined)}`);
  return lines;
}

function clockTime(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** "bracket 0: 9 trials @ 1 → 3 @ 3 → 1 @ 9; bracket 1: ..." (trials per rung @ the rung's budget). */
export function describePlan(plan: SchedulePlan): string {
  return plan.brackets
    .map((b) => {
      const rungs = b.rungs.map((budget, i) => {
        const n = b.trialsPerRung?.[i];
        return n === undefined ? `@ ${formatNumber(budget)}` : `${n}${i === 0 ? ' trials' : ''} @ ${formatNumber(budget)}`;
      });
      return `${plan.brackets.length > 1 ? `bracket ${b.bracket}: ` : 'rungs '}${rungs.join(' → ')}`;
    })
    .join('; ');
}

/**
 * The exact command of a trial, runnable from any shell (argv quoted; cwd and RUNG_* env included).
 *
 * A Python trial also gets the `PYTHONPATH` Rung gave it (the bundled helper first, so a script that does
 * `from rung import report` runs outside Rung too). `launcherEnv` is the study's `launcher.env`, which the
 * trial had as well; the snapshot does not hold it, so a caller that has the spec passes it.
 *
 * The trial's folder is a fresh temporary one (`RUNG_TRIAL_DIR="$(mktemp -d)"`, also in place of the stored
 * folder wherever `{trial_dir}` put it in the argv): a script that reads RUNG_TRIAL_DIR runs, and a rerun
 * never writes over the stored trial's checkpoints and outputs.
 */
export function reproduceCommand(t: TrialSnapshot, launcherEnv: Readonly<Record<string, string>> = {}): string {
  const env = Object.entries(launcherEnv)
    .filter(([key]) => key !== 'PYTHONPATH')
    .map(([key, value]) => `${key}=${shellQuote(value)}`);
  env.push(`RUNG_PARAMS=${shellQuote(JSON.stringify(t.config ?? {}))}`);
  if (t.budget !== undefined) env.push(`RUNG_BUDGET=${t.budget}`);
  const helper = isPythonCommand(t.argv ?? []) ? pythonHelperDir() : undefined;
  const inherited = launcherEnv['PYTHONPATH'];
  if (helper !== undefined) {
    // As the trial had it: the helper, then launcher.env's PYTHONPATH if set, else the shell's own.
    const rest =
      inherited === undefined ? `\${PYTHONPATH:+${path.delimiter}$PYTHONPATH}` : inherited === '' ? '' : shellQuote(`${path.delimiter}${inherited}`);
    env.push(`PYTHONPATH=${shellQuote(helper)}${rest}`);
  } else if (inherited !== undefined) {
    env.push(`PYTHONPATH=${shellQuote(inherited)}`);
  }
  const trialDir = t.trialDir;
  const quote = (arg: string): string =>
    trialDir === undefined || trialDir === '' || !arg.includes(trialDir)
      ? shellQuote(arg)
      : arg.split(trialDir).map((part) => (part === '' ? '' : shellQuote(part))).join('"$RUNG_TRIAL_DIR"');
  // The command's own leading NAME=value words (as the trial ran them) stay assignments: only their values are quoted.
  const words = t.argv ?? [];
  const command = programIndex(words) < words.length ? splitEnvAssignments(words) : { env: {}, argv: words };
  const assignments = Object.entries(command.env).map(([name, value]) => `${name}=${value === '' ? '' : quote(value)}`);
  const argv = [...assignments, ...command.argv.map(quote)].join(' ');
  if (trialDir === undefined || trialDir === '') return `cd ${shellQuote(t.cwd ?? '.')} && ${env.join(' ')} ${argv}`;
  env.push(`RUNG_TRIAL_ID=${shellQuote(t.id)}`, 'RUNG_TRIAL_DIR="$RUNG_TRIAL_DIR"');
  return `cd ${shellQuote(t.cwd ?? '.')} && RUNG_TRIAL_DIR="$(mktemp -d)" && ${env.join(' ')} ${argv}`;
}

/**
 * A command run by a Python interpreter (`python3`, `/venv/bin/python`, `python3.11`), or a `.py` script run
 * directly; also behind `env NAME=value …` (what `rung propose` writes for a script that reads os.environ).
 */
function isPythonCommand(argv: readonly string[]): boolean {
  let i = programIndex(argv);
  if (path.basename(argv[i] ?? '') === 'env') {
    i++;
    while (i < argv.length && ((argv[i] ?? '').includes('=') || (argv[i] ?? '').startsWith('-'))) i++;
  }
  const program = path.basename(argv[i] ?? '');
  return /^python[0-9.]*$/.test(program) || program.endsWith('.py');
}

async function exportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    store: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  });
  const name = positionals[0];
  if (!name) throw new UsageError('export needs a study name');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, got "${String(format)}"`);
  const force = values.force === true;
  if (force && values.out === undefined) throw new UsageError('--force only applies to --out FILE');
  // Checked before the work too, so the answer comes at once; writeFileAtomic checks again when it writes.
  if (values.out !== undefined && statSync(values.out, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`cannot write ${values.out}: it is a folder; give a file name (nothing was written)`);
  }
  if (values.out !== undefined && !force && existsSync(values.out)) throw exportTargetExists(values.out);
  const study = await loadStudy(storeRoot(values.store), name);
  const params = [...study.spec.space.params.keys()];
  const trials = [...study.snapshot.trials].sort((a, b) => a.number - b.number);
  // The time each trial's command ran (summed over launches), not endedAt − startedAt: see trialRunMs.
  const now = Date.now();
  const runSeconds = (t: TrialSnapshot): number | undefined => {
    const ms = t.endedAt !== undefined ? trialRunMs(t, now, study.isRunning) : undefined;
    return ms === undefined ? undefined : ms / 1000;
  };
  let text: string;
  if (format === 'json') {
    text = `${JSON.stringify(
      {
        study: study.snapshot.study,
        metric: study.spec.metric,
        seed: study.snapshot.seed,
        state: study.snapshot.state,
        best: study.snapshot.best,
        trials: trials.map((t) => ({
          id: t.id,
          number: t.number,
          status: t.status,
          value: t.value,
          step: t.valueStep,
          params: t.config ?? {},
          startedAt: t.startedAt ?? null,
          endedAt: t.endedAt ?? null,
          runSeconds: runSeconds(t) ?? null,
          reason: t.reason ?? null,
          argv: t.argv ?? null,
          curve: t.curve,
        })),
      },
      null,
      2,
    )}\n`;
  } else {
    const header = ['trial', 'status', study.spec.metric.name, 'step', 'started_at', 'ended_at', 'duration_s', ...params.map((p) => `param_${p}`), 'reason'];
    const rows = trials.map((t) =>
      [
        t.id,
        t.status,
        t.value === null ? '' : String(t.value),
        t.valueStep === null ? '' : String(t.valueStep),
        t.startedAt !== undefined ? new Date(t.startedAt).toISOString() : '',
        t.endedAt !== undefined ? new Date(t.endedAt).toISOString() : '',
        String(runSeconds(t) ?? ''),
        ...params.map((p) => (t.config?.[p] === undefined ? '' : String(t.config[p]))),
        t.reason ?? '',
      ]
        .map(csvField)
        .join(','),
    );
    text = `${[header.map(csvField).join(','), ...rows].join('\n')}\n`;
  }
  if (typeof values.out === 'string') {
    try {
      writeFileAtomic(values.out, text, { overwrite: force });
    } catch (error) {
      if (error instanceof FileExistsError) throw exportTargetExists(values.out);
      throw new Error(`cannot write ${values.out}: ${whyNotWritten(values.out, error)}`);
    }
    io.stderr(`wrote ${trials.length} trials to ${values.out}\n`);
  } else {
    io.stdout(text);
  }
  return 0;
}

/**
 * Why `rung export --out` could not write `out`, in words about `out` itself: the error comes from the temp
 * file beside it (writeFileAtomic), whose made-up name would only puzzle.
 */
function whyNotWritten(out: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const folder = path.dirname(path.resolve(out));
  if (code === 'ENOENT') return `the folder ${folder} does not exist (nothing was written)`;
  if (code === 'ENOTDIR') return `${folder}, or a folder above it, is not a folder (nothing was written)`;
  if (code === 'EISDIR') return 'it is a folder; give a file name (nothing was written)';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `no permission to write in ${folder} (nothing was written)`;
  return error instanceof Error ? error.message : String(error);
}

function exportTargetExists(out: string): Error {
  return new Error(`${out} already exists; pass --force to overwrite it (nothing was written)`);
}

async function stopCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { store: { type: 'string' } });
  const name = positionals[0];
  if (!name) throw new UsageError('stop needs a study name');
  const root = storeRoot(values.store);
  const lock = await readLock(root, name);
  if (!lock?.alive) {
    if (!existsSync(eventsFile(root, name))) throw new StudyNotFoundError(name, root);
    throw new Error(`study "${name}" is not running`);
  }
  // The runner treats SIGINT like Ctrl-C: graceful stop of every trial, then study.ended.
  process.kill(lock.pid, 'SIGINT');
  io.stderr(`asked process ${lock.pid} to stop study "${name}"; waiting...\n`);
  for (let waited = 0; waited < 120_000; waited += 200) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await readLock(root, name);
    if (!now?.alive) {
      io.stderr(`study "${name}" stopped\n`);
      return 0;
    }
  }
  io.stderr(`study "${name}" is still stopping (process ${lock.pid})\n`);
  return 1;
}
