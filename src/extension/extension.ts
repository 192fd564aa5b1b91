/**
 * The VS Code extension's composition root. The commands, sidebar, terminals and dashboard arrive with
 * issue #5; today the extension contributes the study file's JSON Schema (package.json
 * `jsonValidation`/`yamlValidation`) and this entry point that the bundle and packaging build on.
 * All study logic lives in the engine (src/engine), imported through src/engine/index.ts only.
 */
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Nothing to wire yet: see #5.
}

export function deactivate(): void {
  // Running studies will be stopped gracefully here once the extension hosts them (#5).
}
