/**
 * Squiggles on `*.rung.yaml` / `*.rung.json` from the engine's own parser (checkStudySpec: the same
 * errors `rung validate` prints, plus warnings), refreshed on open and, debounced, while typing. No other
 * extension is needed; the JSON Schema (package.json `yamlValidation`) adds completion where the YAML
 * extension is installed.
 */
import * as vscode from 'vscode';
import { checkStudySpec, fileIssues } from '../../engine/index';
import { createKeyedDebounce } from '../util/throttle';
import { isStudyFileName, toDiagnosticModels } from './issueRanges';

const debounceMs = 300;

export class SpecDiagnostics implements vscode.Disposable {
  readonly #collection = vscode.languages.createDiagnosticCollection('rung');
  readonly #debounce = createKeyedDebounce<string>(debounceMs);
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.#subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.validate(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const doc = e.document;
        if (isStudyDocument(doc)) this.#debounce.schedule(doc.uri.toString(), () => this.validate(doc));
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.#debounce.cancel(doc.uri.toString());
        this.#collection.delete(doc.uri);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.validate(doc);
  }

  /** Checks a study document now; returns the number of errors (0 for other documents). */
  validate(doc: vscode.TextDocument): number {
    if (!isStudyDocument(doc)) return 0;
    const text = doc.getText();
    const check = checkStudySpec(text, doc.uri.fsPath);
    // A valid file's scripts and cwd are checked on disk too (only for a saved file: its folder is the cwd).
    const issues = check.spec && doc.uri.scheme === 'file' ? [...check.issues, ...fileIssues(check.spec, text, doc.uri.fsPath)] : check.issues;
    const models = toDiagnosticModels(issues, (line) => (line < doc.lineCount ? doc.lineAt(line).text.length : undefined));
    this.#collection.set(
      doc.uri,
      models.map((m) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(m.startLine, m.startCharacter, m.endLine, m.endCharacter),
          m.message,
          m.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'rung';
        if (m.path !== '') d.code = m.path;
        return d;
      }),
    );
    return check.issues.filter((i) => i.severity === 'error').length;
  }

  dispose(): void {
    this.#debounce.dispose();
    for (const s of this.#subscriptions) s.dispose();
    this.#collection.dispose();
  }
}

function isStudyDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme !== 'git' && doc.uri.scheme !== 'output' && isStudyFileName(doc.uri.path);
}
