/**
 * The short quick-pick flow that writes a study file when the workspace has none: script, metric and
 * goal, parameters one at a time (name, type, range), sampler, scheduler, trials, parallel. It writes
 * `<script folder>/<name>.rung.yaml` (text from studyFileText.ts), opens it, and offers to start it.
 * Escape at any step cancels without writing anything.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { RungServices } from '../services';
import {
  commandForScript,
  parameterNamePattern,
  parseChoices,
  samplerChoices,
  schedulerChoices,
  studyFileText,
  studyNameFromScript,
  type NewParameter,
  type NewStudyAnswers,
} from './studyFileText';

const title = 'New Rung study';
const scriptGlob = '**/*.{py,js,mjs,cjs,sh}';
const excluded = '**/{node_modules,.git,.rung,.venv,venv,site-packages,dist,out}/**';

/** Thrown-free cancellation: every step returns undefined when the user pressed Escape. */
async function input(prompt: string, options: { value?: string; placeHolder?: string; validate?: (v: string) => string | undefined } = {}): Promise<string | undefined> {
  const result = await vscode.window.showInputBox({
    title,
    prompt,
    ignoreFocusOut: true,
    ...(options.value !== undefined ? { value: options.value } : {}),
    ...(options.placeHolder !== undefined ? { placeHolder: options.placeHolder } : {}),
    ...(options.validate ? { validateInput: options.validate } : {}),
  });
  return result?.trim();
}

async function pick<T extends vscode.QuickPickItem>(items: readonly T[], placeHolder: string): Promise<T | undefined> {
  return vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true });
}

const numberText = (v: string): string | undefined => (v.trim() !== '' && Number.isFinite(Number(v)) ? undefined : 'Enter a number');

export async function runNewStudyFlow(s: RungServices): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('Open a folder with your training script first: Rung writes the study file next to it.');
    return;
  }

  // 1. The script.
  const scripts = await vscode.workspace.findFiles(scriptGlob, excluded, 300);
  const otherItem = { label: '$(terminal) Enter a command…', description: 'any program; {args} passes the parameters', uri: undefined as vscode.Uri | undefined };
  const scriptPick = await pick(
    [...scripts.sort((a, b) => (a.fsPath < b.fsPath ? -1 : 1)).map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri: uri as vscode.Uri | undefined })), otherItem],
    'No study file in this workspace yet. Which training script should the study run?',
  );
  if (!scriptPick) return;
  let dir: string;
  let scriptRelative: string | undefined;
  let customCommand: string | undefined;
  if (scriptPick.uri) {
    dir = path.dirname(scriptPick.uri.fsPath);
    scriptRelative = path.basename(scriptPick.uri.fsPath);
  } else {
    const firstFolder = folders[0];
    if (!firstFolder) return;
    dir = firstFolder.uri.fsPath;
    customCommand = await input('The command a trial runs (split into arguments, never run by a shell). {args} becomes --name=value per parameter.', {
      value: 'python train.py {args}',
      validate: (v) => (v.trim() === '' ? 'Enter a command' : undefined),
    });
    if (!customCommand) return;
  }

  // 2. The metric.
  const metricName = await input('Which metric does the script print (e.g. "val_loss=0.21" or {"val_loss": 0.21})?', {
    value: 'val_loss',
    validate: (v) => (/^\S+$/.test(v.trim()) ? undefined : 'One word, as the script prints it'),
  });
  if (!metricName) return;
  const goal = await pick(
    [
      { label: 'minimize', description: 'lower is better (loss, error)' },
      { label: 'maximize', description: 'higher is better (accuracy, reward)' },
    ],
    `Should ${metricName} be minimized or maximized?`,
  );
  if (!goal) return;

  // 3. Parameters, one at a time.
  const parameters: NewParameter[] = [];
  for (;;) {
    const n = parameters.length + 1;
    const name = await input(
      parameters.length === 0 ? 'First parameter to tune (its argument name, e.g. lr)' : `Parameter ${n} (leave empty when done; so far: ${parameters.map((p) => p.name).join(', ')})`,
      {
        validate: (v) => {
          const t = v.trim();
          if (t === '') return parameters.length === 0 ? 'A study needs at least one parameter' : undefined;
          if (!parameterNamePattern.test(t)) return 'Letters, digits and _ (not starting with a digit)';
          return parameters.some((p) => p.name === t) ? `${t} is already a parameter` : undefined;
        },
      },
    );
    if (name === undefined) return;
    if (name === '') break;
    const type = await pick(
      [
        { label: 'float', description: 'a real number in a range (learning rate, dropout)' },
        { label: 'int', description: 'an integer in a range (layers, units, batch size)' },
        { label: 'categorical', description: 'one of a list (optimizer, activation)' },
      ],
      `Type of ${name}`,
    );
    if (!type) return;
    if (type.label === 'categorical') {
      const choices = await input(`Choices for ${name}, separated by commas`, {
        placeHolder: 'adam, sgd',
        validate: (v) => (parseChoices(v).length >= 1 ? undefined : 'At least one choice'),
      });
      if (choices === undefined) return;
      parameters.push({ name, type: 'categorical', choices: parseChoices(choices) });
      continue;
    }
    const isInt = type.label === 'int';
    const validateBound = (v: string): string | undefined => numberText(v) ?? (isInt && !Number.isInteger(Number(v)) ? 'Enter an integer' : undefined);
    const low = await input(`Lowest value of ${name}`, { value: isInt ? '1' : '0.0001', validate: validateBound });
    if (low === undefined) return;
    const high = await input(`Highest value of ${name}`, {
      value: isInt ? '128' : '0.1',
      validate: (v) => validateBound(v) ?? (Number(v) > Number(low) ? undefined : `Must be greater than ${low}`),
    });
    if (high === undefined) return;
    let log = false;
    if (Number(low) > 0) {
      const scale = await pick(
        [
          { label: 'log scale', description: 'for ranges over orders of magnitude (lr, weight decay, units)', log: true },
          { label: 'linear', description: 'evenly over the range', log: false },
        ],
        `Sample ${name} on a log or linear scale?`,
      );
      if (!scale) return;
      log = scale.log;
    }
    parameters.push({ name, type: isInt ? 'int' : 'float', low: Number(low), high: Number(high), log });
  }

  // 4. Sampler and scheduler.
  const sampler = await pick(
    samplerChoices.map((c) => ({ label: c.id, detail: c.detail })),
    'How should trials be chosen?',
  );
  if (!sampler) return;
  const scheduler = await pick(
    schedulerChoices.map((c) => ({ label: c.id, detail: c.detail })),
    'Stop unpromising trials early?',
  );
  if (!scheduler) return;
  let maxBudget: number | undefined;
  let budgetArgument: string | undefined;
  if (scheduler.label !== 'fifo') {
    const max = await input('Budget a full trial runs to (epochs, as the script reports them in epoch=N)', {
      value: '27',
      validate: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : 'A positive integer'),
    });
    if (max === undefined) return;
    maxBudget = Number(max);
    budgetArgument = await input('Argument that tells the script its budget (empty if it has none)', { value: '--epochs {budget}' });
    if (budgetArgument === undefined) return;
  }

  // 5. How many and how many at once.
  const trials = await input('How many trials?', { value: '20', validate: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : 'A positive integer') });
  if (trials === undefined) return;
  const defaultParallel = s.settings(folders[0]?.uri).defaultParallel;
  const parallel = await input('How many trials at a time? (a number, or auto: one per CPU core)', {
    value: String(defaultParallel ?? 2),
    validate: (v) => (v.trim() === 'auto' || (Number.isInteger(Number(v)) && Number(v) >= 1) ? undefined : 'A positive integer or auto'),
  });
  if (parallel === undefined) return;

  // The study's name is its file's: a second study for the same script gets its own name and folder.
  const file = await freeFileName(dir, studyNameFromScript(scriptRelative ?? 'study'));
  const name = path.basename(file).replace(/\.rung\.yaml$/, '');
  const answers: NewStudyAnswers = {
    name,
    command: scriptRelative !== undefined ? commandForScript(scriptRelative, budgetArgument) : `${customCommand ?? ''}${budgetArgument ? ` ${budgetArgument}` : ''}`,
    metric: { name: metricName, goal: goal.label === 'maximize' ? 'maximize' : 'minimize' },
    parameters,
    sampler: sampler.label,
    scheduler: { type: scheduler.label, ...(maxBudget !== undefined ? { maxBudget, ...(scheduler.label !== 'median' ? { minBudget: 1 } : {}) } : {}) },
    trials: Number(trials),
    parallel: parallel === 'auto' ? 'auto' : Number(parallel),
  };

  const uri = vscode.Uri.file(file);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(studyFileText(answers), 'utf8'));
  await vscode.window.showTextDocument(uri);
  const start = 'Start Study';
  const choice = await vscode.window.showInformationMessage(`Wrote ${vscode.workspace.asRelativePath(uri)}. Review it, then start the study.`, start, 'Not Now');
  if (choice === start) await s.startStudyFile(uri);
}

/** `<dir>/<name>.rung.yaml`, or `<name>-2.rung.yaml` … when taken. */
async function freeFileName(dir: string, name: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, `${name}${i === 1 ? '' : `-${i}`}.rung.yaml`);
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(candidate));
    } catch {
      return candidate;
    }
  }
}
