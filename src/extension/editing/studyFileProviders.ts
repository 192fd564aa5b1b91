/**
 * Completion and hover in `*.rung.yaml` / `*.rung.yml` files from the study schema (studyFileAssist.ts),
 * so no YAML extension is needed for them.
 */
import * as vscode from 'vscode';
import { studyFileCompletions, studyFileHover } from './studyFileAssist';

export const studyFileSelector: vscode.DocumentSelector = [{ pattern: '**/*.rung.{yaml,yml}' }];

export function registerStudyFileProviders(): vscode.Disposable {
  const range = (doc: vscode.TextDocument, start: number, end: number): vscode.Range => new vscode.Range(doc.positionAt(start), doc.positionAt(end));
  const completion = vscode.languages.registerCompletionItemProvider(
    studyFileSelector,
    {
      provideCompletionItems(doc, position) {
        return studyFileCompletions(doc.getText(), doc.offsetAt(position)).map((c) => {
          const item = new vscode.CompletionItem(c.label, c.kind === 'property' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
          item.insertText = c.insertText;
          item.detail = c.detail;
          item.documentation = new vscode.MarkdownString(c.documentation);
          item.sortText = c.sortText;
          // Replace the typed word; the range must start and end on the cursor's line.
          item.range = { inserting: range(doc, c.replaceStart, doc.offsetAt(position)), replacing: range(doc, c.replaceStart, c.replaceEnd) };
          return item;
        });
      },
    },
    ':',
    ' ',
    '{',
    ',',
  );
  const hover = vscode.languages.registerHoverProvider(studyFileSelector, {
    provideHover(doc, position) {
      const h = studyFileHover(doc.getText(), doc.offsetAt(position));
      return h ? new vscode.Hover(new vscode.MarkdownString(h.contents), range(doc, h.start, h.end)) : undefined;
    },
  });
  return vscode.Disposable.from(completion, hover);
}
