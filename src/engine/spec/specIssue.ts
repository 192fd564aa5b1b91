/** A problem found in a study file, positioned for editors (diagnostics) and terminals (file:line:col). */
import * as path from 'node:path';
import type { LineCounter, Node } from 'yaml';

export interface SpecIssue {
  /** Path of the study file, as given to the parser. */
  readonly file: string;
  /** 1-based line of the start of the offending text. */
  readonly line: number;
  /** 1-based column of the start. */
  readonly column: number;
  /** 1-based line of the end (exclusive end position). */
  readonly endLine: number;
  /** 1-based column of the end (exclusive). */
  readonly endColumn: number;
  /** Where in the document, e.g. `parameters.lr.low` or `command[2]`; empty for the whole file. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/**
 * `file:line:col: error: message`, the form terminals and VS Code's problem matchers understand.
 * With `baseDir`, the file is shown relative to it.
 */
export function formatSpecIssue(issue: SpecIssue, baseDir?: string): string {
  const file = baseDir === undefined ? issue.file : path.relative(baseDir, issue.file) || issue.file;
  return `${file}:${issue.line}:${issue.column}: ${issue.severity}: ${issue.message}`;
}

/** Turns offsets and YAML nodes into SpecIssues for one file. */
export class IssueSink {
  readonly issues: SpecIssue[] = [];

  constructor(
    private readonly file: string,
    /** The whole source text of the file. */
    readonly sourceText: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** An issue spanning [start, end) of the source; a span crossing lines is cut at the first line's end. */
  atOffsets(start: number, end: number, issuePath: string, message: string, severity: SpecIssue['severity'] = 'error'): void {
    const lineEnd = this.sourceText.indexOf('\n', start);
    let stop = Math.max(start, Math.min(end, this.sourceText.length));
    if (lineEnd >= 0 && stop > lineEnd) stop = lineEnd;
    if (stop > start && this.sourceText.charAt(stop - 1) === '\r') stop--;
    const from = this.lineCounter.linePos(start);
    const to = this.lineCounter.linePos(stop);
    this.issues.push({
      file: this.file,
      line: from.line,
      column: from.col,
      endLine: to.line,
      endColumn: to.col,
      path: issuePath,
      message,
      severity,
    });
  }

  /** An issue on a node (its first line); without a node (empty file), on the start of the file. */
  atNode(node: Node | null | undefined, issuePath: string, message: string, severity: SpecIssue['severity'] = 'error'): void {
    const range = node?.range;
    if (!range) {
      this.atOffsets(0, 0, issuePath, message, severity);
      return;
    }
    this.atOffsets(range[0], range[1], issuePath, message, severity);
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }
}
