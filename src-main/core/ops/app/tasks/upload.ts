// Upload what the server lacks: a release already on the server uploads nothing, and otherwise
// only the files its content store does not hold travel (a version uploaded once serves every app
// on the server; a version that changed one file sends that file).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Version } from '../../../../../src-shared/domain';
import { SkiffError } from '../../../../../src-shared/errors';
import { formatBytes } from '../../../../../src-shared/format';
import { parseKv, readMissing } from '../../../remote/readBack';
import { rawUploadPath, storeQueryScript, storeKeys, zipUploadPath } from '../../../remote/scripts/storeScripts';
import { archMatches, type BinaryArch } from '../../../versions/inspectZip';
import { copyStoredEntry, storeKey, writeStoreZip, type ReleaseFile } from '../../../versions/storeZip';
import { releaseId } from '../../releases';
import { jobConfig } from './config';
import { uploadFile } from '../../upload';
import { connection, type AppJob, type AppTask } from '../appJob';
import type { StepContext } from '../../../jobs/runner';


export function uploadVersion(version: Version, label: string): AppTask {
  return {
    title: `Upload ${version.fileName} (${formatBytes(version.size)}): only what the server lacks`,
    run: async (job, ctx) => {
      if (job.noop) return { skipped: true, note: `${label} already serves: nothing to upload` };
      const state = job.state!;
      if (!archMatches(version.summary.binaryArch as BinaryArch, state.arch)) {
        throw new SkiffError('VERSION_ARCH_MISMATCH', { message: `${version.fileName} is built for ${version.summary.binaryArch}; ${job.server.name} is ${state.arch}.` });
      }
      const { hash } = await jobConfig(job);
      if (job.previous?.sha256 === version.sha256 && state.current === job.previous.id && state.hashes === hash) {
        job.noop = true;
        return { skipped: true, note: `${label} already serves from releases/${job.previous.id} with this config: nothing to do, no restart` };
      }
      const existing = state.releases.find((r) => r.sha256 === version.sha256);
      const known = existing ? state.manifest.releases.find((r) => r.id === existing.id) : undefined;
      job.reuse = !!existing;
      job.target = {
        id: existing?.id ?? releaseId(new Date(), version.sha256),
        sha256: version.sha256, label, deployedAt: new Date().toISOString(),
        migrations: known?.migrations ?? [], snapshot: false,
      };
      if (job.reuse) return { skipped: true, note: `already on the server: nothing to upload (${formatBytes(version.size)} saved)` };

      // A deploy's lock asked the store already; a restore bringing its version along asks now.
      const asked = job.entries !== undefined;
      const entries = job.entries ?? (job.entries = await job.deps.versions.entries(version.sha256));
      const missing = new Set(asked ? state.missing : await askMissing(job, ctx));
      const unique = uniqueFiles(entries);
      const files = unique.filter((f) => missing.has(storeKey(f)));
      const lackBytes = files.reduce((n, f) => n + f.size, 0);
      // The upload, the files it unpacks to in the store, and room to spare.
      const need = lackBytes * 2 + 64 * 1048576;
      if (state.free < need) {
        throw new SkiffError('DISK_FULL', { message: `${job.server.name} has ${Math.round(state.free / 1048576)} MiB free; this release needs about ${Math.round(need / 1048576)} MiB.` });
      }
      const total = unique.length;
      if (files.length === 0) return { note: `all ${total} files are in the server's store: nothing to upload (${formatBytes(version.size)} saved)` };

      const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-upload-'));
      try {
        const zipPath = job.deps.versions.zipPath(version.sha256);
        const { raw, packed } = splitUpload(files);
        const conn = await connection(job);
        // One progress bar over every file sent: the zip first, then the files sent as themselves.
        const plan: { local: string; remote: string; bytes: number }[] = [];
        if (packed.length) {
          const local = path.join(dir, 'store.zip');
          plan.push({ local, remote: zipUploadPath(job.jobId), bytes: await writeStoreZip(zipPath, packed, local) });
        }
        for (const f of raw) {
          const local = path.join(dir, storeKey(f));
          await copyStoredEntry(zipPath, f, local);
          plan.push({ local, remote: rawUploadPath(job.jobId, storeKey(f)), bytes: f.size });
        }
        const bytes = plan.reduce((n, p) => n + p.bytes, 0);
        const t0 = Date.now();
        let before = 0;
        for (const p of plan) {
          await uploadFile(conn, p.local, p.remote, (b) => ctx.progress(before + b, bytes));
          before += p.bytes;
        }
        job.storeUpload = { zip: packed.length ? plan[0].remote : undefined, raw: raw.map(storeKey), count: files.length };
        const saved = Math.max(0, version.size - bytes);
        const rate = (bytes / 1048576 / Math.max(0.001, (Date.now() - t0) / 1000)).toFixed(1);
        return { note: `sent ${formatBytes(bytes)} of ${formatBytes(version.size)}: ${files.length} of ${total} files, ${formatBytes(saved)} saved; ${rate} MiB/s` };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A file the version's zip stores uncompressed (zip tools store what does not compress: media,
 * archives) and of at least RAW_MIN_BYTES travels as itself: the same bytes as inside a zip, and
 * the server checks it in place instead of unzipping a copy (50 MB: 1.4 s saved on a slow server).
 */
export const RAW_MIN_BYTES = 1024 * 1024;

export function splitUpload(files: readonly ReleaseFile[]): { raw: ReleaseFile[]; packed: ReleaseFile[] } {
  const raw = files.filter((f) => f.zip.method === 0 && f.size >= RAW_MIN_BYTES);
  return { raw, packed: files.filter((f) => !raw.includes(f)) };
}

/** One file per store key (two paths with one content travel once). */
function uniqueFiles(entries: NonNullable<AppJob['entries']>): ReleaseFile[] {
  return [...new Map(entries.filter((e): e is ReleaseFile => e.kind === 'file').map((f) => [storeKey(f), f])).values()];
}

/** For a job whose lock did not ask the store (a restore bringing its version along): one more trip. */
async function askMissing(job: AppJob, ctx: StepContext): Promise<string[]> {
  const out = await ctx.exec(await connection(job), storeQueryScript(storeKeys(job.entries!)).text, { quiet: true, hideKeyValues: true });
  return readMissing(job.app.name, parseKv(out.stdout));
}
