// ESLint (flat config), run by `npm run lint` and by `npm test` right after the typecheck.
// Recommended JS + typescript-eslint rules, React's rules of hooks in the renderer, the layering
// of docs/layout.md as import bans per folder (tests/unit/layering.test.ts checks the same lines,
// dynamic import() and require() included), and Skiff's own rule: shell is rendered only in
// src-main/core/remote (eslint-rules/skiff.js).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import skiff from './eslint-rules/skiff.js';

const nodeBuiltins = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0]))];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Import bans shared by the layers: each entry is a no-restricted-imports pattern. */
const ban = {
  node: { regex: `^(node:|(${nodeBuiltins.map(escape).join('|')})(/|$))`, message: 'No Node here (docs/layout.md): this code also runs where Node does not.' },
  electron: { regex: '^electron(/|$)', message: 'Only src-main/hosts/electron and src-main/preload import electron (docs/layout.md).' },
  react: { regex: '^react(-dom)?(/|$)', message: 'src-shared is pure TypeScript: no React (docs/layout.md).' },
  mainOrRenderer: { regex: '(^|/)src-(main|renderer)(/|$)', message: 'src-shared is the contract: it imports nothing from main or the renderer.' },
  main: { regex: '(^|/)src-main(/|$)', message: 'The renderer reaches main only through window.skiff (src-renderer/src/api).' },
  hostsOrHandlers: { regex: '(^|/)(hosts|handlers)(/|$)', message: 'core is used by the hosts and handlers, never the other way round (docs/layout.md).' },
};
const onlyImports = (...patterns) => ['error', { patterns }];

export default defineConfig([
  globalIgnores(['out/', 'node_modules/', 'test-results/', 'playwright-report/', '.cache/', 'scratch/', '**/__snapshots__/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter kept for its position, a skipped tuple slot).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  // Playwright reads a fixture's dependencies from its first parameter: `async ({}, use)` is the idiom.
  { files: ['e2e/**'], rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] } },
  // Plain JS (scripts/*.mjs, this file, eslint-rules/) runs under Node.
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  // electron-builder reads a CommonJS config.
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },

  // The renderer is React: hooks must follow the rules (an error); missing effect deps only warn.
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  // Layering (docs/layout.md). Later blocks replace earlier ones for the same rule, so each one
  // lists every ban for its folder.
  {
    files: ['src-main/**/*.{ts,tsx}'],
    ignores: ['src-main/hosts/electron/**', 'src-main/preload/**'],
    rules: { 'no-restricted-imports': onlyImports(ban.electron) },
  },
  {
    files: ['src-main/core/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': onlyImports(ban.electron, ban.hostsOrHandlers) },
  },
  {
    files: ['src-shared/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': onlyImports(ban.node, ban.electron, ban.react, ban.mainOrRenderer) },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': onlyImports(ban.node, ban.electron, ban.main) },
  },

  // Remote commands are values: shell is written only in src-main/core/remote. The test harness
  // (the VM's own `exec`, test setup on the server) is exempt.
  {
    plugins: { skiff },
    rules: { 'skiff/no-shell-outside-remote': 'error' },
  },
  {
    files: ['src-main/core/remote/**', 'e2e/vps/**', 'tests/**', '**/*.test.ts'],
    rules: { 'skiff/no-shell-outside-remote': 'off' },
  },
]);
