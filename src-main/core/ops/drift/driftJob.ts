// The drift check as a job: one read-only helper call, evaluated into findings (core/drift), the
// report kept on the server record (the audit shows it too) and the record of written files kept
// on this desktop.
import type { DriftReport } from '../../../../src-shared/domain';
import { SkiffError } from '../../../../src-shared/errors';
import { driftFindings, writtenRecord } from '../../drift/findings';
import { parseDrift } from '../../drift/parse';
import type { JobDefinition } from '../../jobs/runner';
import { ROOT_HELPER } from '../../remote/helper/build';
import type { OpsDeps } from '../deps';
import { helper, probeAccess } from '../privilege';

const MARK: Record<string, string> = { unchanged: 'same', edited: '\x1b[33mEDITED\x1b[0m', missing: '\x1b[31mMISSING\x1b[0m', package: '\x1b[33mPACKAGE\x1b[0m', unknown: '\x1b[36mUNKNOWN\x1b[0m' };

/** The drift verb's output as a report; the record of written files is kept on this desktop on the way. */
export function concludeDrift(deps: OpsDeps, serverId: string, sshPort: number, stdout: string, durationMs: number): DriftReport {
  const raw = parseDrift(stdout);
  if (!raw.complete) throw new SkiffError('REMOTE_COMMAND_FAILED', { message: 'The drift check was cut off before its end: nothing was concluded.' });
  const s = deps.servers.get(serverId);
  const findings = driftFindings(raw, { hardened: !!s.hardening, sshPort: s.hardening?.sshPort ?? sshPort, appUser: s.setup?.appUser });
  deps.written.save(serverId, writtenRecord(raw));
  return { serverId, at: new Date().toISOString(), findings, changes: findings.filter((f) => f.category !== 'unchanged').length, durationMs };
}

export function driftJob(deps: OpsDeps, serverId: string): JobDefinition {
  const server = deps.servers.get(serverId);
  let report: DriftReport | undefined;
  return {
    kind: 'drift',
    serverId,
    title: `Drift check of ${server.name}`,
    steps: [
      {
        title: 'Compare the server with what Skiff wrote (read-only, one command)',
        run: async (ctx) => {
          const ssh = await deps.pool.get(serverId);
          const access = await probeAccess(ssh);
          if (access.helperVersion !== ROOT_HELPER.version) {
            throw new SkiffError('SETUP_REQUIRED', { message: `Skiff's root helper on ${server.name} is ${access.helperVersion ? 'from another Skiff version' : 'missing'}: it keeps the record a drift check reads.`, fix: 'Run "Set up" (or deploy any app: it updates the helper), then check again.' });
          }
          const t0 = Date.now();
          const res = await ctx.exec(ssh, helper(access, 'drift').text, { quiet: true });
          const durationMs = Date.now() - t0;
          report = concludeDrift(deps, serverId, access.sshPort, res.stdout, durationMs);
          for (const f of report.findings) if (f.category !== 'unchanged') ctx.log(`${MARK[f.category]} ${f.subject}: ${f.detail}${f.diff ? `\n${f.diff}` : ''}`);
          return { note: `${report.findings.length - report.changes} unchanged, ${report.changes} changed (${(durationMs / 1000).toFixed(1)} s on the server)` };
        },
      },
    ],
    onSucceeded: async () => {
      if (report) await deps.servers.patch(serverId, (s) => ({ ...s, lastDrift: report }));
    },
  };
}
