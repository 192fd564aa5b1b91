/**
 * The engine's public surface for hosts (the CLI and the VS Code extension). Hosts import from here only,
 * never from deeper paths, so the engine can reorganise freely behind it.
 */
export { createStudyRunner, type StudyRunner, type StudyRunnerOptions } from './study';
export { parseStudySpec, formatSpecIssue, type SpecIssue } from './spec/parseStudySpec';
export { studyFileJsonSchema } from './spec/schema';
export type { StudySpec } from './spec/studySpec';
export { loadStudy, type LoadedStudy } from './store/loadStudy';
export { watchStudyEvents, readStudyEvents, listStudyDirs, readLock } from './store/jsonlStore';
export { openStudyIndex } from './store/studyIndex';
export { StudyProjection, countTrials, type StudySnapshot, type TrialSnapshot } from './store/project';
export type { StudyEvent, SequencedEvent } from './store/events';
