/**
 * Command and view ids, defined once. package.json `contributes` must list exactly these (a unit test
 * checks it), and the e2e tests run them by their palette titles.
 */
export const commandIds = {
  startStudy: 'rung.startStudy',
  stopStudy: 'rung.stopStudy',
  resumeStudy: 'rung.resumeStudy',
  openDashboard: 'rung.openDashboard',
  showTrialOutput: 'rung.showTrialOutput',
  stopTrial: 'rung.stopTrial',
  copyTrialCommand: 'rung.copyTrialCommand',
  rerunBestTrial: 'rung.rerunBestTrial',
  tuneThisScript: 'rung.tuneThisScript',
  refreshStudies: 'rung.refreshStudies',
  importSweep: 'rung.importSweep',
} as const;

export type CommandId = (typeof commandIds)[keyof typeof commandIds];

/**
 * Commands registered but not contributed (so not in the palette): what a click on a tree row runs.
 * A row's command carries no arguments on purpose: VS Code keeps a command with arguments under an id
 * that dies when the row is refreshed (every 250 ms while trials report), so a click landing between a
 * refresh and the next render would run nothing ("Actual command not found"). The handler reads the
 * tree's selection instead, which the click has set just before.
 */
export const internalCommandIds = {
  showSelectedTrialOutput: 'rung.showSelectedTrialOutput',
} as const;

export const viewIds = {
  container: 'rung',
  studies: 'rung.studies',
  /** The dashboard's webview panel type (also the id its panel serializer restores tabs under). */
  dashboard: 'rung.dashboard',
} as const;
