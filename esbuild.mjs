// Bundles: the CLI, the extension and its study worker (node, CJS; ESM-only deps such as execa and lowdb are bundled in),
// the engine benchmark, and the study file's JSON Schema generated from the spec's single source of truth.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['src/engine/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // The study worker thread the extension runs each study in (createStudyRunnerInWorker finds it next to
  // dist/extension.js through __dirname).
  build({ ...common, entryPoints: ['src/engine/worker/studyWorker.ts'], outfile: 'dist/studyWorker.js' }),
  build({ ...common, entryPoints: ['bench/engine.ts'], outfile: 'dist/bench/engine.js' }),
  build({ ...common, entryPoints: ['bench/schedulers.ts'], outfile: 'dist/bench/schedulers.js' }),
  // The dashboard benchmark drives the built page through the page tests' harness, which finds dist/webview
  // from its own folder: __dirname is pinned to that folder (test/helpers) in this bundle.
  build({
    ...common,
    entryPoints: ['bench/dashboard.ts'],
    outfile: 'dist/bench/dashboard.js',
    external: ['playwright-core'],
    define: { __dirname: JSON.stringify(path.resolve('test/helpers')) },
  }),
]);
chmodSync('dist/cli.js', 0o755);

// The JSON Schema comes from the same description the parser validates with (src/engine/spec/schema.ts).
const schemaBundle = 'dist/.schema-gen.cjs';
await build({ ...common, sourcemap: false, entryPoints: ['src/engine/spec/schema.ts'], outfile: schemaBundle });
const { createRequire } = await import('node:module');
const require = createRequire(import.meta.url);
const { studyFileJsonSchema } = require(`./${schemaBundle}`);
mkdirSync('dist', { recursive: true });
writeFileSync('dist/rung-study.schema.json', `${JSON.stringify(studyFileJsonSchema(), null, 2)}\n`);
rmSync(schemaBundle);

// The dashboard webview (browser, ESM): its parameter-importance worker is built first and inlined as a
// string, so the page starts it from a blob: URL (a webview cannot start a worker from its resource URIs).
// RUNG_WEBVIEW_UNMINIFIED=1: readable bundle for profiling (`BENCH_PROFILE=1 node dist/bench/dashboard.js`).
const webviewCommon = { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', minify: !process.env.RUNG_WEBVIEW_UNMINIFIED, logLevel: 'warning' };
const worker = await build({ ...webviewCommon, format: 'iife', entryPoints: ['webview-ui/src/importance/importanceWorker.ts'], write: false });
const workerSource = worker.outputFiles[0].text;
mkdirSync('dist/webview', { recursive: true });
await Promise.all([
  build({
    ...webviewCommon,
    entryPoints: ['webview-ui/src/main.ts'],
    outfile: 'dist/webview/dashboard.js',
    sourcemap: !production,
    define: { __IMPORTANCE_WORKER_SOURCE__: JSON.stringify(workerSource) },
  }),
  build({ ...webviewCommon, entryPoints: ['webview-ui/src/dashboard.css'], outfile: 'dist/webview/dashboard.css' }),
]);
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
