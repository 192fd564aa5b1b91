/** Fixed locations of the e2e tier. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(e2eDir, '..', '..');
/** code-server install made by setup-code-server.sh (gitignored). */
export const codeServerInstallDir = path.join(repoRoot, '.vscode-test', 'code-server');
/** Screenshots and logs for review (gitignored). */
export const artifactsDir = path.join(e2eDir, 'artifacts');
export const probeExtensionDir = path.join(e2eDir, 'probe-extension');
