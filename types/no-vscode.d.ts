// The engine's tsconfig maps the module name `vscode` to this file, which is deliberately not a module:
// `import ... from 'vscode'` anywhere under src/engine fails with TS2306 ("is not a module"). Without the
// mapping TypeScript would resolve the import to node_modules/@types/vscode even though the engine's
// `types` list names only Node. The engine must stay host-neutral (CLI, tests, extension host).
