// Upload the version once: a server that already has a release of it uploads nothing.
import type { Version } from '../../../../../src-shared/domain';
import { SkiffError } from '../../../../../src-shared/errors';
import { appPaths } from '../../../remote/paths';
import { archMatches, type BinaryArch } from '../../../versions/inspectZip';
import { releaseId } from '../../releases';
import { uploadFile } from '../../upload';
import { connection, type AppTask } from '../appJob';

export function uploadVersion(version: Version, label: string): AppTask {
  return {
    title: `Upload ${version.fileName} (${(version.size / 1048576).toFixed(1)} MiB)`,
    run: async (job, ctx) => {
      const state = job.state!;
      if (!archMatches(version.summary.binaryArch as BinaryArch, state.arch)) {
        throw new SkiffError('VERSION_ARCH_MISMATCH', { message: `${version.fileName} is built for ${version.summary.binaryArch}; ${job.server.name} is ${state.arch}.` });
      }
      const need = version.size + version.summary.uncompressedBytes * 2;
      if (state.free < need) {
        throw new SkiffError('DISK_FULL', { message: `${job.server.name} has ${Math.round(state.free / 1048576)} MiB free; this release needs about ${Math.round(need / 1048576)} MiB.` });
      }
      const existing = state.releases.find((r) => r.sha256 === version.sha256);
      const known = existing ? state.manifest.releases.find((r) => r.id === existing.id) : undefined;
      job.reuse = !!existing;
      job.target = {
        id: existing?.id ?? releaseId(new Date(), version.sha256),
        sha256: version.sha256, label, deployedAt: new Date().toISOString(),
        migrations: known?.migrations ?? [], snapshot: false,
      };
      if (job.reuse) return { skipped: true, note: 'already on the server: nothing to upload' };
      const remote = `${appPaths(job.app.name).uploads}/${version.sha256}.zip.part`;
      const t0 = Date.now();
      await uploadFile(await connection(job), job.deps.versions.zipPath(version.sha256), remote, (b, t) => ctx.progress(b, t));
      return { note: `${(version.size / 1048576 / ((Date.now() - t0) / 1000)).toFixed(1)} MiB/s` };
    },
  };
}
