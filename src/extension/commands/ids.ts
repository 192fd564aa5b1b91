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

export const viewIds = {
  container: 'rung',
  studies: 'rung.studies',
  /** The dashboard's webview panel type (also the id its panel serializer restores tabs under). */
  dashboard: 'rung.dashboard',
} as const;
