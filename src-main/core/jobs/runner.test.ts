// The job machinery on its own (steps are plain functions here; the VM tests run real ones).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { readJobLog } from './jobLog';
import { JobStore } from './jobStore';
import { JobRunner, type StepDefinition } from './runner';

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-jobs-'));
  const events: JobEvent[] = [];
  const runner = new JobRunner(new JobStore(dir), dir, (e) => events.push(e));
  return { dir, events, runner };
}

const step = (title: string, run: StepDefinition['run']): StepDefinition => ({ title, run });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('JobRunner', () => {
  it('runs steps in order, times them, and keeps the log identical to what was streamed', async () => {
    const { dir, events, runner } = setup();
    const job = await runner.run({
      kind: 'setup', serverId: 's1', title: 'Set up',
      steps: [
        step('One', async (ctx) => { ctx.log('hello'); }),
        step('Two', async () => ({ skipped: true, note: 'already done' })),
      ],
    });
    expect(job.status).toBe('succeeded');
    expect(job.steps.map((s) => s.status)).toEqual(['succeeded', 'skipped']);
    expect(job.steps.every((s) => typeof s.durationMs === 'number')).toBe(true);
    const log = readJobLog(dir, job.id);
    expect(plain(log)).toMatch(/▶ \[1\/2\] One\nhello\n✓ done in \d/);
    expect(plain(log)).toMatch(/• already done/);
    // Reassembling the streamed chunks by offset gives exactly the file.
    let streamed = '';
    for (const e of events) if (e.type === 'output' && e.jobId === job.id) { expect(e.offset).toBe(streamed.length); streamed += e.data; }
    expect(streamed).toBe(log);
  });

  it('batches chatty output into few events', async () => {
    const { events, runner } = setup();
    await runner.run({ kind: 'audit', serverId: 's1', title: 'Chatty', steps: [step('Print', async (ctx) => { for (let i = 0; i < 20_000; i++) ctx.log(`line ${i}`); })] });
    const outputs = events.filter((e) => e.type === 'output');
    expect(outputs.length).toBeLessThan(20);
  });

  it('reports "nothing changed" only when every step was already done', async () => {
    const { runner } = setup();
    const all = await runner.run({ kind: 'setup', serverId: 's', title: 't', steps: [step('a', async () => ({ skipped: true })), step('b', async () => ({ skipped: true }))] });
    expect(all.changedNothing).toBe(true);
    const some = await runner.run({ kind: 'setup', serverId: 's', title: 't', steps: [step('a', async () => ({ skipped: true })), step('b', async () => undefined)] });
    expect(some.changedNothing).toBe(false);
  });

  it('stops at a failing step, records why, and runs recover', async () => {
    const { dir, runner } = setup();
    const order: string[] = [];
    const job = await runner.run({
      kind: 'harden', serverId: 's', title: 'Harden',
      steps: [
        step('a', async () => { order.push('a'); }),
        step('b', async () => { order.push('b'); throw new SkiffError('SSHD_CONFIG_INVALID', { detail: 'exit 255: bad option' }); }),
        step('c', async () => { order.push('c'); }),
      ],
      recover: { title: 'Restore', run: async () => { order.push('recover'); } },
    });
    expect(order).toEqual(['a', 'b', 'recover']);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('SSHD_CONFIG_INVALID');
    expect(job.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(job.steps[1].exitCode).toBe(255);
    expect(plain(readJobLog(dir, job.id))).toMatch(/✗ failed \(exit 255\)[\s\S]*\[recover\] Restore/);
  });

  it('runs app jobs of different apps on one server side by side', async () => {
    const { runner } = setup();
    const trace: string[] = [];
    const slow = (name: string, appId: string) => ({ kind: 'deploy' as const, serverId: 'same', appId, title: name, steps: [step('s', async () => { trace.push(`${name} start`); await sleep(50); trace.push(`${name} end`); })] });
    const a = runner.start(slow('A', 'one'));
    const b = runner.start(slow('B', 'two'));
    const a2 = runner.start(slow('A2', 'one'));
    await Promise.all([a, b, a2].map((j) => runner.wait(j.id)));
    expect(trace.indexOf('B start')).toBeLessThan(trace.indexOf('A end'));
    expect(trace.indexOf('A2 start')).toBeGreaterThan(trace.indexOf('A end'));
  });

  it('runs one server job at a time per server; the second waits', async () => {
    const { runner } = setup();
    const trace: string[] = [];
    const slow = (name: string) => ({ kind: 'audit' as const, serverId: 'same', title: name, steps: [step('s', async () => { trace.push(`${name} start`); await sleep(50); trace.push(`${name} end`); })] });
    const a = runner.start(slow('A'));
    const b = runner.start(slow('B'));
    expect(b.status).toBe('queued');
    const other = runner.start({ ...slow('C'), serverId: 'other' });
    await Promise.all([runner.wait(a.id), runner.wait(b.id), runner.wait(other.id)]);
    const ab = trace.filter((t) => !t.startsWith('C'));
    expect(ab).toEqual(['A start', 'A end', 'B start', 'B end']);
    expect(trace.indexOf('C start')).toBeLessThan(trace.indexOf('A end'));
  });

  it('cancels between steps', async () => {
    const { runner } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = runner.start({ kind: 'setup', serverId: 's', title: 't', steps: [step('wait', async () => { await gate; }), step('never', async () => { throw new Error('ran'); })] });
    await sleep(10);
    runner.cancel(job.id);
    release();
    const done = await runner.wait(job.id);
    expect(done.status).toBe('cancelled');
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'cancelled']);
  });

  it('marks jobs that were running when the app stopped as interrupted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-jobs-'));
    const store = new JobStore(dir);
    store.save({ id: 'j1', kind: 'setup', serverId: 's', title: 't', status: 'running', steps: [{ title: 'x', status: 'running' }], createdAt: new Date().toISOString() });
    new JobRunner(new JobStore(dir), dir, () => {});
    const j = new JobStore(dir).get('j1');
    expect(j.status).toBe('interrupted');
    expect(j.error?.message).toMatch(/closed while this job ran/);
  });
});

describe('hideKeyValues', () => {
  it('keeps key=value result lines out of the log, even split across chunks', async () => {
    const { dir, runner } = setup();
    const fakeSsh = { connection: { exec: (_c: string, cb: (e: undefined, s: unknown) => void) => {
      // A stand-in for an ssh2 exec channel: emits the output a remote script would print.
      const stream = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), end: () => {} });
      cb(undefined, stream);
      setTimeout(() => { stream.emit('data', Buffer.from('unpacked 3 files\nsnap')); stream.emit('data', Buffer.from('shot=yes\nhas_x=no\ndone\n')); stream.emit('close', 0); }, 5);
      return true;
    } } } as never;
    // The step only records what it got: an expect inside a step would be caught by the runner.
    let stdout = '';
    const job = await runner.run({ kind: 'deploy', serverId: 's', title: 't', steps: [step('x', async (ctx) => { stdout = (await ctx.exec(fakeSsh, 'true', { hideKeyValues: true })).stdout; })] });
    expect(job.status).toBe('succeeded');
    expect(stdout).toContain('snapshot=yes');
    const log = plain(readJobLog(dir, job.id));
    expect(log).toContain('unpacked 3 files\ndone\n');
    expect(log).not.toContain('snapshot=yes');
    expect(log).not.toContain('has_x');
  });
});
