// ESLint: the recommended JavaScript and typescript-eslint rules (syntax-level, no type information, so a
// run over the whole repository takes seconds). Type errors are tsc's job (`npm run typecheck`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', '.rung*/**', 'test/**/artifacts/**', 'bench/results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter or binding kept for its position or shape.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Plain JavaScript files: Node scripts (benchmarks, fixtures, the e2e probe extension, build scripts).
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  { files: ['**/*.cjs', 'test/e2e/probe-extension/**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
