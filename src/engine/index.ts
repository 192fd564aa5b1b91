/**
 * The engine's public surface for hosts (the CLI and the VS Code extension). Hosts import from here only,
 * never from deeper paths, so the engine can reorganise freely behind it.
 */
export { createStudyRunner, type StudyRunner, type StudyRunnerOptions } from './study';
// The same runner with the study loop in a worker thread (the extension host's; needs dist/studyWorker.js).
export { createStudyRunnerInWorker, type WorkerStudyRunner, type WorkerStudyRunnerOptions } from './worker/workerStudyRunner';
export { parseStudySpec, checkStudySpec, formatSpecIssue, type SpecIssue, type StudySpecCheck } from './spec/parseStudySpec';
export { fileIssues } from './spec/checkFiles';
export { studyFileJsonSchema, STUDY_FILE, type Field, type Fields, type FieldType, type TaggedVariant } from './spec/schema';
export type { StudySpec } from './spec/studySpec';
export { loadStudy, type LoadedStudy } from './store/loadStudy';
export { watchStudyEvents, readStudyEvents, listStudyDirs, readLock, trialDir, type LockStatus } from './store/jsonlStore';
export { openStudyIndex } from './store/studyIndex';
export { StudyProjection, countTrials, trialRunMs, type DecisionRecord, type StudySnapshot, type TrialSnapshot } from './store/project';
// The dashboard: decisions in the CLI's words, and the schedule (brackets × rungs) a study file asks for.
export { describeDecision, type MetricView } from './store/decisionText';
export { describeSchedule, type ScheduleDescription } from './schedulers/describeSchedule';
export type { StudyEvent, SequencedEvent } from './store/events';
export type { StudySummary } from './store/studyIndex';
export { renderCommand, splitEnvAssignments } from './runner/commandTemplate';
export { trialEnvironment } from './runner/trialEnvironment';
export type { Config, ParamValue } from './space/searchSpace';
// The CLI's `rung show` wording and formatting, reused so the extension says exactly what the CLI says.
export { reproduceCommand } from './cli/main';
export { formatNumber, formatParam, shellQuote } from './cli/format';
export { Emitter, type Listenable } from './util/emitter';
export {
  inspectScript,
  findInspectorScript,
  parseInspectorOutput,
  ScriptInspectionError,
  type InspectScriptOptions,
  type InspectErrorKind,
  type ScriptInspection,
  type ScriptArgument,
  type ScriptMetric,
  type ScriptValue,
  type ScriptValueType,
} from './tune/inspectScript';
export {
  proposeStudy,
  studyNameFor,
  studyFileNameFor,
  type ProposeStudyOptions,
  type ProposedParameter,
  type StudyProposal,
} from './tune/proposeStudy';
export { importSweep, defaultStudyFile, IMPORT_FORMAT_LABELS, type ImportOptions, type ImportResult, type ImportFormat, type ImportTool } from './importers/index';
