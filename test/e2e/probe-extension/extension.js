// Test-only probe for Rung's e2e tier. "E2E Probe: Snapshot" writes a JSON report to
// $RUNG_E2E_PROBE_FILE: whether Rung is active, the rung.* commands registered in the extension host,
// the diagnostics on study files, and the open terminals. It never activates Rung itself
// (getExtension does not activate; getCommands only lists).
const fs = require('node:fs');
const vscode = require('vscode');

const RUNG_ID = 'rung.rung';

function severityName(s) {
  return ['error', 'warning', 'information', 'hint'][s] ?? String(s);
}

async function snapshot() {
  const file = process.env.RUNG_E2E_PROBE_FILE;
  const ext = vscode.extensions.getExtension(RUNG_ID);
  const commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('rung.')).sort();
  const diagnostics = vscode.languages
    .getDiagnostics()
    .filter(([uri]) => /\.rung\.(ya?ml|json)$/.test(uri.path))
    .map(([uri, list]) => ({
      path: uri.fsPath,
      items: list.map((d) => ({
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        severity: severityName(d.severity),
        message: d.message,
        source: d.source ?? null,
      })),
    }));
  const report = {
    at: Date.now(),
    rung: ext ? { found: true, isActive: ext.isActive, extensionPath: ext.extensionPath, version: ext.packageJSON.version } : { found: false },
    commands,
    diagnostics,
    terminals: vscode.window.terminals.map((t) => t.name),
    activeTerminal: vscode.window.activeTerminal?.name ?? null,
  };
  if (!file) throw new Error('RUNG_E2E_PROBE_FILE is not set');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('rungE2eProbe.snapshot', snapshot));
};
exports.deactivate = () => {};
