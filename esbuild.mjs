// Bundles: the CLI and the extension (node, CJS; ESM-only deps such as execa and lowdb are bundled in),
// the engine benchmark, and the study file's JSON Schema generated from the spec's single source of truth.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

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
  build({ ...common, entryPoints: ['bench/engine.ts'], outfile: 'dist/bench/engine.js' }),
  build({ ...common, entryPoints: ['bench/schedulers.ts'], outfile: 'dist/bench/schedulers.js' }),
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
