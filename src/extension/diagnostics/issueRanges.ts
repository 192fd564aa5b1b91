/**
 * SpecIssues (1-based line/column from the engine's parser) as 0-based editor ranges. Pure, so the
 * positions the squiggles land on are unit-tested; specDiagnostics.ts turns them into vscode.Diagnostics.
 */
import type { SpecIssue } from '../../engine/index';

/** A diagnostic as plain data, 0-based and end-exclusive like vscode.Range. */
export interface DiagnosticModel {
  readonly startLine: number;
  readonly startCharacter: number;
  readonly endLine: number;
  readonly endCharacter: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** The document path of the issue (`parameters.lr.low`), shown as the diagnostic's code. */
  readonly path: string;
}

/**
 * Maps issues to ranges. `lineLength(line)` gives a 0-based line's length (undefined past the end). An
 * empty span (an issue at a position, e.g. a missing key at the start of the file) is widened to the rest
 * of its line, or to the whole line when it sits at the line's end, so the squiggle is visible.
 */
export function toDiagnosticModels(issues: readonly SpecIssue[], lineLength: (line: number) => number | undefined): DiagnosticModel[] {
  return issues.map((issue) => {
    let startLine = Math.max(0, issue.line - 1);
    let startCharacter = Math.max(0, issue.column - 1);
    let endLine = Math.max(startLine, issue.endLine - 1);
    let endCharacter = endLine === startLine ? Math.max(startCharacter, issue.endColumn - 1) : Math.max(0, issue.endColumn - 1);
    const length = lineLength(startLine);
    if (length === undefined) {
      // Past the end of the document (e.g. the parser counted a final newline): the last line there is.
      while (startLine > 0 && lineLength(startLine) === undefined) startLine--;
      const last = lineLength(startLine) ?? 0;
      startCharacter = Math.min(startCharacter, last);
      endLine = startLine;
      endCharacter = last;
    } else if (endLine === startLine && endCharacter === startCharacter) {
      if (startCharacter < length) endCharacter = length;
      else {
        startCharacter = 0;
        endCharacter = length;
      }
    }
    return { startLine, startCharacter, endLine, endCharacter, message: issue.message, severity: issue.severity, path: issue.path };
  });
}

/** Whether a file name is a study file the diagnostics and Start Study look at. */
export function isStudyFileName(fileName: string): boolean {
  return /\.rung\.(ya?ml|json)$/i.test(fileName);
}
