#!/usr/bin/env node
// `npm start`: installs what the app needs, builds it, and starts it: in Electron where its binary
// exists, otherwise the same app through the browser host on 127.0.0.1 (the URL is printed).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build, ensureNodeModules, log, root } from './lib/prepare.mjs';

ensureNodeModules();
build();
const { electronBinary } = await import('./lib/electron.mjs');
const electron = electronBinary(root);
const forceBrowser = process.argv.includes('--browser');

let child;
if (electron.path && !forceBrowser) {
  log('starting Skiff (Electron)');
  child = spawn(electron.path, [path.join(root, 'out/main/index.js')], { stdio: 'inherit', cwd: root });
} else {
  if (!forceBrowser) log(`No Electron binary here: ${electron.reason}.`);
  log('Serving the same app through the browser host on 127.0.0.1 (Ctrl-C stops it).');
  child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['src-main/hosts/browser/main.ts'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  child.stdout.on('data', (d) => {
    for (const line of String(d).split('\n')) {
      const m = /^SKIFF_URL=(\S+)/.exec(line);
      if (m) log(`Open this URL in your browser: ${m[1]}`);
      else if (line) console.log(line);
    }
  });
}
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
