// One app job's shared state (Deployer's idea: tasks share one typed state, not closure variables)
// and the recipe that turns a list of tasks into a job: the lock is released in `finally` for
// every job, and a failure after the point of no return rolls back, because the recipe says so,
// not because each operation remembers to.
import type { NodeSSH } from 'node-ssh';
import type { App, JobKind, Server } from '../../../../src-shared/domain';
import { SkiffError } from '../../../../src-shared/errors';
import type { JobDefinition, StepContext, StepOutcome } from '../../jobs/runner';
import type { AppState, ManifestRelease } from '../../remote/readBack';
import { unlockScript, type AppConfigInput } from '../../remote/scripts/appScripts';
import type { OpsDeps } from '../deps';
import type { ReleaseEntry } from '../../versions/inspectZip';

export interface AppJob {
  readonly deps: OpsDeps;
  readonly app: App;
  readonly server: Server;
  readonly deployUser: string;
  jobId: string;
  ssh?: NodeSSH;
  lockHeld: boolean;
  /** The server as read back by the lock task. */
  state?: AppState;
  /** The release that served before this job (what `current` pointed at). */
  previous?: ManifestRelease;
  /** The release this job puts live. */
  target?: ManifestRelease;
  /** The target release is already unpacked on the server. */
  reuse: boolean;
  /** The version's entries by content, when the job puts a version on the server (content store). */
  entries?: ReleaseEntry[];
  /** The store upload of this job: where it landed, and how many files it holds. */
  /** What the upload sent into the store: a zip of files, files sent as themselves, how many in all. */
  storeUpload?: { zip?: string; raw: string[]; count: number };
  /** The version already serves with this config: the job has nothing to do (no restart). */
  noop?: boolean;
  /** The PocketBase superuser to set at go-live, read from the keychain before anything switches. */
  superuser?: { email: string; password: string };
  /** Config hashes the server must record once the job is done (seed 001's config hashes). */
  configHashes: string;
  /** The app's config (env, unit, site) and its hash, read once per job (jobConfig: the env's secrets come from the keychain). */
  config?: { input: AppConfigInput; hash: string };
  /** The switch may have happened: a failure from here on owes a rollback. */
  pastPointOfNoReturn: boolean;
  /** The new release answered its health check. */
  healthy: boolean;
}

export interface AppTask<J extends AppJob = AppJob> {
  title: string;
  run(job: J, ctx: StepContext): Promise<StepOutcome | void>;
  /** Reaching this task may switch the release: no cancel from here, and a failure rolls back. */
  pointOfNoReturn?: boolean;
}

export interface AppRecipe<J extends AppJob = AppJob> {
  kind: JobKind;
  title: string;
  tasks: AppTask<J>[];
  /** What a failure past the point of no return does (the deploy's and rollback's rollback). */
  rollBack?: (job: J, ctx: StepContext) => Promise<{ status: 'rolled-back' } | void>;
  onSucceeded?: (job: J) => Promise<void> | void;
}

export function newAppJob(deps: OpsDeps, appId: string): AppJob {
  const app = deps.apps.get(appId);
  const server = deps.servers.get(app.serverId);
  if (!server.setup) throw new SkiffError('SETUP_REQUIRED');
  return { deps, app, server, deployUser: server.setup.appUser, jobId: '', lockHeld: false, reuse: false, configHashes: '', pastPointOfNoReturn: false, healthy: false };
}

/** The job's connection: the pool's live one (a task may run after the previous one dropped). */
export async function connection(job: AppJob): Promise<NodeSSH> {
  if (!job.ssh?.isConnected()) job.ssh = await job.deps.pool.get(job.app.serverId);
  return job.ssh;
}

export function appJobDefinition<J extends AppJob>(job: J, recipe: AppRecipe<J>): JobDefinition {
  return {
    kind: recipe.kind,
    serverId: job.app.serverId,
    appId: job.app.id,
    title: recipe.title,
    steps: recipe.tasks.map((t) => ({
      title: t.title,
      noCancel: t.pointOfNoReturn,
      run: async (ctx) => {
        job.jobId = ctx.jobId;
        if (t.pointOfNoReturn) job.pastPointOfNoReturn = true;
        return t.run(job, ctx);
      },
    })),
    recover: {
      title: 'Roll back to the release that was serving',
      run: async (ctx) => {
        if (!job.pastPointOfNoReturn) {
          ctx.log('nothing was switched: the running release was not touched');
          return;
        }
        if (job.healthy || !recipe.rollBack) {
          ctx.log('the new release is live and healthy: nothing to roll back');
          return;
        }
        return recipe.rollBack(job, ctx);
      },
    },
    finally: async (ctx) => {
      // The job's own connection may be the one that died: unlock over the pool's current one.
      if (job.lockHeld) {
        await ctx.exec(await job.deps.pool.get(job.app.serverId), unlockScript({ app: job.app.name, jobId: job.jobId }).text, { check: false });
        job.lockHeld = false;
      }
    },
    onSucceeded: recipe.onSucceeded ? () => recipe.onSucceeded!(job) : undefined,
  };
}
