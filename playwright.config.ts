// E2E: the real UI against a real test VPS. `browser-host` drives Debian's Chromium through the
// loopback browser host; `electron` runs the same specs in Electron where its binary exists.
import { defineConfig } from '@playwright/test';
import type { SkiffOptions } from './e2e/support/fixtures';

export default defineConfig<SkiffOptions>({
  testDir: 'e2e/specs',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  globalSetup: './e2e/support/globalSetup.ts',
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : [['list']],
  outputDir: 'test-results/e2e',
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    { name: 'browser-host', use: { skiffHost: 'browser' } },
    { name: 'electron', use: { skiffHost: 'electron' } },
  ],
});
