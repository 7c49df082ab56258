// A desktop Skiff in a process of its own, for tests that kill it mid-job: opens the core on
// SKIFF_DATA_DIR (keychain service SKIFF_KEYCHAIN_SERVICE), starts a deploy of SKIFF_SHA256 to
// SKIFF_APP_ID, and prints every job event as one JSON line on stdout.
import { createCore } from '../../../src-main/core/skiffCore';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};

const core = createCore({ dataDir: env('SKIFF_DATA_DIR'), keychainService: env('SKIFF_KEYCHAIN_SERVICE'), readyTimeoutMs: 10_000, reconcileInterrupted: false });
core.events.subscribe((name, payload) => {
  if (name === 'job.event') process.stdout.write(`${JSON.stringify(payload)}\n`);
});
const job = core.ops.deploy(env('SKIFF_APP_ID'), env('SKIFF_SHA256'));
const done = await core.jobs.runner.wait(job.id);
process.stdout.write(`${JSON.stringify({ type: 'done', job: done })}\n`);
core.close();
