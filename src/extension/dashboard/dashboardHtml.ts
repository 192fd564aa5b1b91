/**
 * The dashboard page's HTML, with a strict Content-Security-Policy: scripts only with this page's nonce,
 * styles and fonts only from the extension's own `dist/webview` folder, workers only from blob: URLs (the
 * importance worker is inlined into the bundle), no network, no eval. No `vscode` import: the Playwright
 * page tests serve the same HTML with a stand-in for the VS Code host (test/helpers/webviewPage.ts).
 */

export interface DashboardHtmlInput {
  /** The webview's `cspSource` (VS Code), or the test server's origin. */
  readonly cspSource: string;
  /** A fresh random nonce per page load. */
  readonly nonce: string;
  /** URIs of dist/webview/dashboard.js, dashboard.css and codicon.css as the webview may load them. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /** Title shown in the page (the study's name). */
  readonly title: string;
  /**
   * The study's registry key. The page keeps it in its webview state, which VS Code hands back after a
   * window reload, so the extension's panel serializer knows which study a restored tab shows.
   */
  readonly studyKey?: string;
  /** Extra script to run first with the nonce (tests install their host stand-in here). */
  readonly preludeScript?: string;
}

export function dashboardHtml(input: DashboardHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${input.nonce}'`,
    // No inline styles in markup: views set styles through the CSSOM (element.style), which CSP allows,
    // and the web components use constructable stylesheets.
    `style-src ${input.cspSource}`,
    `font-src ${input.cspSource}`,
    `img-src ${input.cspSource} data:`,
    'worker-src blob:',
  ].join('; ');
  const prelude = input.preludeScript ? `<script nonce="${input.nonce}">${input.preludeScript}</script>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${input.codiconUri}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${input.styleUri}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<div id="app" data-study="${escapeHtml(input.title)}"${input.studyKey !== undefined ? ` data-study-key="${escapeHtml(input.studyKey)}"` : ''}></div>
${prelude}<script type="module" nonce="${input.nonce}" src="${input.scriptUri}"></script>
</body>
</html>`;
}

/** A nonce for the page's scripts (CSP). */
export function makeNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += alphabet.charAt(Math.floor(Math.random() * alphabet.length));
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
