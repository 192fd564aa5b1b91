/**
 * The Python interpreter for study commands whose program is `python`/`python3`: `rung.python` when set,
 * else the interpreter selected in the Python extension (ms-python.python's public environments API),
 * else `python3`. The Python extension's API is read defensively: it is optional and its shape is not
 * ours, so every step is checked and any failure falls back.
 */
import * as vscode from 'vscode';

export async function resolvePython(setting: string, resource: vscode.Uri | undefined): Promise<string> {
  if (setting !== '') return setting;
  return (await pythonExtensionInterpreter(resource)) ?? 'python3';
}

async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  try {
    const extension = vscode.extensions.getExtension<unknown>('ms-python.python');
    if (!extension) return undefined;
    const api: unknown = extension.isActive ? extension.exports : await extension.activate();
    const environments = field(api, 'environments');
    const getActive = field(environments, 'getActiveEnvironmentPath');
    if (typeof getActive !== 'function') return undefined;
    const active: unknown = await Promise.resolve(getActive.call(environments, resource));
    // Prefer the resolved executable (a conda env's `path` can be its folder).
    const resolve = field(environments, 'resolveEnvironment');
    if (typeof resolve === 'function') {
      const resolved: unknown = await Promise.resolve(resolve.call(environments, active));
      const executable = field(field(field(resolved, 'executable'), 'uri'), 'fsPath');
      if (typeof executable === 'string' && executable !== '') return executable;
    }
    const p = field(active, 'path');
    return typeof p === 'string' && p !== '' ? p : undefined;
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
