/**
 * The environment a trial's command runs with, for a study's trials and for a re-run of one from the extension:
 * the study's `launcher.env`, the command's own leading `NAME=value` words over it, then Rung's facts about the
 * trial (DESIGN: RUNG_STUDY, RUNG_TRIAL_ID, RUNG_TRIAL_DIR, RUNG_PARAMS, RUNG_BUDGET, RUNG_RESUME), Rung's Python
 * helper first on PYTHONPATH, and the GPUs it was given. The caller's own environment is added by the launcher.
 */
import path from 'node:path';
import type { Config } from '../space/searchSpace';

export interface TrialEnvironmentInput {
  readonly studyName: string;
  readonly launcherEnv: Readonly<Record<string, string>>;
  /** The command's leading assignments (splitEnvAssignments). */
  readonly commandEnv: Readonly<Record<string, string>>;
  readonly trialId: string;
  readonly trialDir: string;
  readonly config: Config;
  readonly budget: number;
  /** The trial runs again (promotion, resume): RUNG_RESUME=1. */
  readonly resume?: boolean;
  /** Rung's Python helper (`from rung import report`), put first on PYTHONPATH. */
  readonly pythonHelperDir?: string;
  readonly gpus?: readonly number[];
}

export function trialEnvironment(input: TrialEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PYTHONUNBUFFERED: '1',
    ...input.launcherEnv,
    ...input.commandEnv,
    RUNG_STUDY: input.studyName,
    RUNG_TRIAL_ID: input.trialId,
    RUNG_TRIAL_DIR: input.trialDir,
    RUNG_PARAMS: JSON.stringify(input.config),
    RUNG_BUDGET: String(input.budget),
  };
  if (input.resume) env['RUNG_RESUME'] = '1';
  if (input.pythonHelperDir) {
    // As the script would find it otherwise: the command's, the study's, else this process's PYTHONPATH.
    const inherited = input.commandEnv['PYTHONPATH'] ?? input.launcherEnv['PYTHONPATH'] ?? process.env['PYTHONPATH'];
    env['PYTHONPATH'] = inherited ? `${input.pythonHelperDir}${path.delimiter}${inherited}` : input.pythonHelperDir;
  }
  if (input.gpus) env['CUDA_VISIBLE_DEVICES'] = input.gpus.join(',');
  return env;
}
