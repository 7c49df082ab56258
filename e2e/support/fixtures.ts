// Fixtures: the suite's VM, and a fresh Skiff per test (own data dir, own HOME, own keychain
// namespace) in either host. Specs only see `skiff.page`, so they run unchanged in both.
import { test as base, chromium, _electron, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestVps } from '../vps/vm';
import { electronBinary } from '../../scripts/lib/electron.mjs';

export interface SkiffOptions { skiffHost: 'browser' | 'electron' }

export interface SkiffApp {
  page: Page;
  home: string;
  dataDir: string;
}

export interface SkiffLaunch {
  /** Files to create under the app's HOME before it starts (e.g. `.ssh/config`). */
  homeFiles?: Record<string, string>;
  /** Runs before Skiff starts, with its data folder and keychain service: what an earlier Skiff left there. */
  seed?: (dataDir: string, keychainService: string) => Promise<void>;
  env?: Record<string, string>;
}

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

async function startBrowserHost(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src-main/hosts/browser/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser host did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /SKIFF_URL=(\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`browser host exited ${code}: ${stderr}`)); });
  });
  return { url, child };
}

export const test = base.extend<
  { vps: TestVps; launchSkiff: (opts?: SkiffLaunch) => Promise<SkiffApp> },
  SkiffOptions & { chromiumBrowser: () => Promise<Browser>; sharedVps: () => Promise<TestVps> }
>({
  skiffHost: ['browser', { option: true, scope: 'worker' }],

  // A fresh VM shared by the tests that ask for it, booted when the first of them runs (an idle
  // VM still costs CPU under emulation, and a host that skips never boots one), stopped with the worker.
  sharedVps: [async ({}, use) => {
    let booted: Promise<TestVps> | undefined;
    await use(() => (booted ??= TestVps.boot({ log: (s) => console.log(`[vps] ${s}`) })));
    if (booted) await (await booted).stop();
  }, { scope: 'worker' }],

  vps: async ({ skiffHost, sharedVps }, use, testInfo) => {
    const why = hostUnavailable(skiffHost);
    testInfo.skip(!!why, why);
    await use(await sharedVps());
  },

  // Launched when a browser-host test first needs it: the Electron project (on a system without
  // Debian's Chromium, too) never does.
  chromiumBrowser: [async ({}, use) => {
    let launched: Promise<Browser> | undefined;
    await use(() => (launched ??= chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })));
    if (launched) await (await launched).close();
  }, { scope: 'worker' }],

  launchSkiff: async ({ skiffHost, chromiumBrowser }, use, testInfo) => {
    const cleanups: (() => Promise<void> | void)[] = [];
    await use(async (opts = {}) => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-'));
      const home = path.join(root, 'home');
      const dataDir = path.join(root, 'data');
      mkdirSync(home, { recursive: true });
      for (const [rel, content] of Object.entries(opts.homeFiles ?? {})) {
        mkdirSync(path.dirname(path.join(home, rel)), { recursive: true, mode: 0o700 });
        writeFileSync(path.join(home, rel), content, { mode: 0o600 });
      }
      const keychainService = `skiff-e2e-${path.basename(root)}`;
      if (opts.seed) await opts.seed(dataDir, keychainService);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        SKIFF_DATA_DIR: dataDir,
        SKIFF_KEYCHAIN_SERVICE: keychainService,
        SKIFF_SSH_TIMEOUT_MS: '10000',
        ...opts.env,
      };
      if (skiffHost === 'electron') {
        const bin = electronBinary();
        testInfo.skip(!bin.path, `Electron e2e skipped: ${bin.reason}`);
        const app = await _electron.launch({ executablePath: bin.path!, args: [path.resolve('out/main/index.js')], env: env as Record<string, string> });
        cleanups.push(() => app.close());
        return { page: await app.firstWindow(), home, dataDir };
      }
      const { url, child } = await startBrowserHost(env);
      cleanups.push(() => { child.kill('SIGTERM'); });
      const context = await (await chromiumBrowser()).newContext({ viewport: { width: 1280, height: 860 } });
      cleanups.push(() => context.close());
      const page = await context.newPage();
      await page.goto(url);
      return { page, home, dataDir };
    });
    for (const c of cleanups.reverse()) await c();
  },
});

export { expect } from '@playwright/test';

/** Why this host cannot run here (no Electron binary), or undefined when it can. */
export function hostUnavailable(skiffHost: SkiffOptions['skiffHost']): string | undefined {
  if (skiffHost !== 'electron') return undefined;
  const bin = electronBinary();
  return bin.path ? undefined : `Electron e2e skipped: ${bin.reason}`;
}

/**
 * Gives the spec file a VM of its own (booted once, stopped after its last test), for specs that
 * change the server in ways the shared VM's other users must not see. Skips where the host cannot run.
 */
export function ownVps(boot: () => Promise<TestVps>, timeoutMs = 300_000): () => TestVps {
  let vps: TestVps | undefined;
  test.beforeAll(async ({ skiffHost }) => {
    const why = hostUnavailable(skiffHost);
    test.skip(!!why, why);
    test.setTimeout(timeoutMs);
    vps = await boot();
  });
  test.afterAll(async () => { await vps?.stop(); });
  return () => vps!;
}
