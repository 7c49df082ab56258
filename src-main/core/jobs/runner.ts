// Runs jobs: a server job alone on its server, app jobs side by side (one per app; serverQueue.ts
// has the rules), each step by step, with the live log streamed and kept. A job can be cancelled
// between steps. When a step fails, the job's `recover` step (if any) runs to put the server back
// as it was.
import { randomUUID } from 'node:crypto';
import type { NodeSSH } from 'node-ssh';
import type { Job, JobEvent, JobKind, JobStep } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { scriptOfJob } from '../remote/helper/verbs';
import { runScript, type ExecResult } from '../ssh/exec';
import { formatLog } from './format';
import { ServerQueue } from './serverQueue';
import { JobLog, logFileFor } from './jobLog';
import type { JobStore } from './jobStore';

export interface StepContext {
  jobId: string;
  /** Appends a line to the live log. */
  log(text: string): void;
  warn(text: string): void;
  /** Runs a script as one `bash -s` on the connection, its output streamed to the log. Throws on a non-zero exit unless `check: false`. */
  exec(ssh: NodeSSH, script: string, opts?: { sudo?: boolean; check?: boolean; quiet?: boolean; /** Keep `key=value` result lines out of the log (they are for Skiff, not the reader). */ hideKeyValues?: boolean }): Promise<ExecResult>;
  /** Whether the user asked to cancel (steps that loop should stop early). */
  cancelled(): boolean;
  /** Transfer progress (throttled to ~10 events a second). */
  progress(bytes: number, total: number): void;
}

export interface StepOutcome {
  /** The step found its work already done and changed nothing. */
  skipped?: boolean;
  note?: string;
}

export interface StepDefinition {
  title: string;
  run(ctx: StepContext): Promise<StepOutcome | void>;
  /** Once the job reaches this step, a cancel waits for the job's end (e.g. after a release switch). */
  noCancel?: boolean;
}

export interface RecoverOutcome {
  /** 'rolled-back': the server is back on the previous release; the job ends so, with its reason. */
  status?: 'rolled-back';
}

export interface RecoverDefinition {
  title: string;
  run(ctx: StepContext, failedStep: number): Promise<RecoverOutcome | void>;
}

export interface JobDefinition {
  kind: JobKind;
  serverId: string;
  appId?: string;
  title: string;
  steps: StepDefinition[];
  /** Runs after a failed step (not after a cancel between steps): restore what the job changed. */
  recover?: RecoverDefinition;
  /** Runs at the end whatever happened (e.g. release a remote lock); its errors are logged only. */
  finally?: (ctx: StepContext) => Promise<void>;
  /** Runs when every step succeeded. */
  onSucceeded?: (job: Job) => Promise<void> | void;
}

export class JobRunner {
  private readonly queue = new ServerQueue();
  private readonly cancels = new Set<string>();
  private readonly finished = new Map<string, Promise<Job>>();
  /** Jobs that were running when Skiff last stopped (marked interrupted at this start). */
  readonly interruptedAtStart: Job[];

  constructor(
    private readonly store: JobStore,
    private readonly dataDir: string,
    private readonly emit: (e: JobEvent) => void,
    /** This desktop, named in the server's audit trail by every helper call a job makes. */
    private readonly installation: { id: string; who: string } = { id: '', who: 'unknown' },
  ) {
    this.interruptedAtStart = store.markInterrupted();
  }

  /** Whether the job is queued or running in this process. */
  isActive(jobId: string): boolean {
    return this.finished.has(jobId);
  }

  /** Queues the job (serverQueue.ts says when it may run); returns it at once (status queued). */
  start(def: JobDefinition): Job {
    const job: Job = {
      id: randomUUID(),
      kind: def.kind,
      serverId: def.serverId,
      ...(def.appId ? { appId: def.appId } : {}),
      title: def.title,
      status: 'queued',
      steps: def.steps.map((s): JobStep => ({ title: s.title, status: 'pending' })),
      createdAt: new Date().toISOString(),
    };
    this.update(job);
    const done = this.queue.acquire({ serverId: def.serverId, appId: def.appId }).then(async (release) => {
      try {
        return await this.execute(job, def);
      } finally {
        release();
      }
    });
    this.finished.set(job.id, done);
    void done.finally(() => this.finished.delete(job.id));
    return job;
  }

  /** Starts the job and resolves when it ends, whatever its status. */
  run(def: JobDefinition): Promise<Job> {
    const job = this.start(def);
    return this.finished.get(job.id)!;
  }

  /** Resolves when the job ends (immediately with the stored job if it already has). */
  wait(jobId: string): Promise<Job> {
    return this.finished.get(jobId) ?? Promise.resolve(this.store.get(jobId));
  }

  cancel(jobId: string): Job {
    const job = this.store.get(jobId);
    if (job.status === 'queued' || job.status === 'running') this.cancels.add(jobId);
    return job;
  }

  private update(job: Job): void {
    this.store.save(job);
    this.emit({ type: 'job-updated', job: structuredClone(job) });
  }

  private async execute(job: Job, def: JobDefinition): Promise<Job> {
    const log = new JobLog(logFileFor(this.dataDir, job.id), (offset, data) => this.emit({ type: 'output', jobId: job.id, offset, data }));
    const started = Date.now();
    job.status = 'running';
    job.startedAt = new Date(started).toISOString();
    this.update(job);
    log.write(formatLog.jobStart(job.title, new Date(started)));

    let lastProgress = 0;
    let progressStart = 0;
    const named = { id: job.id, kind: job.kind, installation: this.installation.id, who: this.installation.who };
    const ctx: StepContext = {
      jobId: job.id,
      progress: (bytes, total) => {
        const now = Date.now();
        if (bytes === 0 || !progressStart) progressStart = now;
        if (bytes < total && now - lastProgress < 100) return;
        lastProgress = now;
        const secs = Math.max((now - progressStart) / 1000, 0.001);
        const bytesPerSecond = bytes / secs;
        this.emit({ type: 'progress', jobId: job.id, bytes, total, bytesPerSecond, etaSeconds: bytesPerSecond > 0 ? (total - bytes) / bytesPerSecond : 0 });
      },
      log: (t) => log.write(formatLog.info(t)),
      warn: (t) => log.write(formatLog.warn(t)),
      cancelled: () => this.cancels.has(job.id),
      exec: async (ssh, script, opts = {}) => {
        const stdout = opts.hideKeyValues ? keyValueFilter((s) => log.write(s)) : { write: (s: string) => log.write(s), end: () => {} };
        try {
          return await runScript(ssh, scriptOfJob(named, script), {
            sudo: opts.sudo,
            check: opts.check ?? true,
            onStdout: opts.quiet ? undefined : stdout.write,
            onStderr: opts.quiet ? undefined : (s) => log.write(formatLog.stderr(s)),
          });
        } finally {
          stdout.end();
        }
      },
    };

    let failure: SkiffError | undefined;
    let failedAt = -1;
    let allSkipped = true;
    let pastPointOfNoCancel = false;
    for (let i = 0; i < def.steps.length; i++) {
      const step = job.steps[i];
      pastPointOfNoCancel ||= !!def.steps[i].noCancel;
      if (this.cancels.has(job.id) && !pastPointOfNoCancel) {
        for (const rest of job.steps.slice(i)) rest.status = 'cancelled';
        job.status = 'cancelled';
        break;
      }
      step.status = 'running';
      step.startedAt = new Date().toISOString();
      this.update(job);
      log.write(formatLog.stepStart(i, def.steps.length, step.title));
      const t0 = Date.now();
      try {
        const outcome = (await def.steps[i].run(ctx)) ?? {};
        step.durationMs = Date.now() - t0;
        step.note = outcome.note;
        if (outcome.skipped) {
          step.status = 'skipped';
          log.write(formatLog.stepSkipped(step.durationMs, outcome.note ?? 'already done'));
        } else {
          allSkipped = false;
          step.status = 'succeeded';
          log.write(formatLog.stepSucceeded(step.durationMs, outcome.note));
        }
      } catch (e) {
        allSkipped = false;
        failure = asSkiffError(e);
        failedAt = i;
        step.durationMs = Date.now() - t0;
        step.status = 'failed';
        step.note = failure.message;
        const exit = /^exit (\d+)/.exec(failure.detail ?? '');
        if (exit) step.exitCode = Number(exit[1]);
        log.write(formatLog.stepFailed(step.durationMs, failure.message + (failure.detail ? `\n  ${failure.detail}` : ''), step.exitCode));
        for (const rest of job.steps.slice(i + 1)) rest.status = 'cancelled';
        break;
      } finally {
        this.update(job);
      }
    }

    let recovered: RecoverOutcome | void = undefined;
    if (failure && def.recover) {
      const t0 = Date.now();
      log.write(formatLog.stepStart(0, 1, def.recover.title).replace('[1/1]', '[recover]'));
      try {
        recovered = await def.recover.run(ctx, failedAt);
        log.write(formatLog.stepSucceeded(Date.now() - t0));
      } catch (e) {
        const err = asSkiffError(e);
        log.write(formatLog.stepFailed(Date.now() - t0, `${err.message}${err.detail ? ` (${err.detail})` : ''}`));
      }
    }
    if (def.finally) {
      try {
        await def.finally(ctx);
      } catch (e) {
        log.write(formatLog.warn(`clean-up: ${asSkiffError(e).message}`));
      }
    }

    if (failure) {
      job.status = recovered?.status ?? 'failed';
      job.error = { code: failure.code, message: failure.message, fix: failure.fix };
    } else if (job.status === 'running') {
      job.status = 'succeeded';
      job.changedNothing = allSkipped && def.steps.length > 0;
      try {
        await def.onSucceeded?.(job);
      } catch (e) {
        const err = asSkiffError(e);
        job.status = 'failed';
        job.error = { code: err.code, message: err.message, fix: err.fix };
      }
    }
    this.cancels.delete(job.id);
    job.endedAt = new Date().toISOString();
    log.write(formatLog.jobEnd(job.status, Date.now() - started, job.changedNothing ? '(nothing changed: everything was already done)' : job.error ? `: ${job.error.message}` : ''));
    log.flush();
    this.update(job);
    return job;
  }
}

/** Passes output through line by line, dropping `key=value` lines. */
function keyValueFilter(out: (s: string) => void): { write: (s: string) => void; end: () => void } {
  let partial = '';
  const emit = (lines: string[]) => {
    const kept = lines.filter((l) => !/^[a-z_]+=/.test(l));
    if (kept.length) out(kept.map((l) => `${l}\n`).join(''));
  };
  return {
    write: (s) => {
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      emit(lines);
    },
    end: () => { if (partial) emit([partial]); partial = ''; },
  };
}

function asSkiffError(e: unknown): SkiffError {
  return e instanceof SkiffError ? e : new SkiffError('INTERNAL', { message: e instanceof Error ? e.message : String(e) });
}
