/**
 * The importance worker: runs PED-ANOVA (pedAnova.ts) off the UI thread. Each request carries a job id
 * that the answer echoes, so the page can ignore answers to inputs it has since replaced.
 * Typed without the DOM lib (a structural view of the worker scope) so the Node tests' tsconfig checks it too.
 */
import { computeImportance, type ImportanceInput, type ImportanceResult } from './pedAnova';

export interface ImportanceRequest {
  readonly job: number;
  readonly input: ImportanceInput;
}

export type ImportanceReply = { readonly job: number; readonly result: ImportanceResult } | { readonly job: number; readonly error: string };

interface WorkerScope {
  onmessage: ((event: { readonly data: ImportanceRequest }) => void) | null;
  postMessage(reply: ImportanceReply): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  const { job, input } = event.data;
  try {
    scope.postMessage({ job, result: computeImportance(input) });
  } catch (e) {
    scope.postMessage({ job, error: e instanceof Error ? e.message : String(e) });
  }
};
