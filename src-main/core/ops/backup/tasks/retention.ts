// Apply retention to the app's backups, on this computer and on the server separately.
import { backupsToKeep } from '../../../backups/retention';
import { helperCall } from '../../../remote/helper/verbs';
import { connection, type AppTask } from '../../app/appJob';
import type { BackupJob } from '../backupJob';

export function applyRetention(): AppTask<BackupJob> {
  return {
    title: 'Apply retention',
    run: async (job, ctx) => {
      const { backups } = job.deps;
      const policy = backups.settings();
      const all = backups.list(job.app.id);
      const pruned: string[] = [];
      for (const where of ['desktop', 'server'] as const) {
        const here = all.filter((b) => b.copies[where]);
        const keep = backupsToKeep(here, policy);
        for (const b of here.filter((x) => !keep.has(x.id))) {
          if (where === 'server') await ctx.exec(await connection(job), helperCall('backup-delete', [job.app.name, b.id]).text, { quiet: true });
          backups.dropCopy(b.id, where);
          pruned.push(`${b.id} (${where === 'server' ? 'server' : 'this computer'})`);
        }
      }
      if (!pruned.length) return { skipped: true, note: `nothing to prune (keep last ${policy.keepLast}, daily ${policy.keepDaily}, weekly ${policy.keepWeekly})` };
      ctx.log(`pruned ${pruned.join(', ')}`);
      return { note: `pruned ${pruned.length}` };
    },
  };
}
