// The security audit job: one read-only script (through Skiff's helper when installed, else as
// root or sudo directly, else unprivileged and partial), evaluated into pass/warn/fail items.
import type { AuditReport, AuditStatus, DriftReport } from '../../../../src-shared/domain';
import { driftAuditItems } from '../../drift/auditItems';
import { concludeDrift } from '../drift/driftJob';
import type { JobDefinition } from '../../jobs/runner';
import { AUDIT_SCRIPT } from '../../remote/helper/audit';
import { ROOT_HELPER } from '../../remote/helper/build';
import type { OpsDeps } from '../deps';
import { helper, probeAccess } from '../privilege';
import { evaluateAudit } from './evaluate';

const MARK: Record<AuditStatus, string> = { pass: '\x1b[32mPASS\x1b[0m', warn: '\x1b[33mWARN\x1b[0m', fail: '\x1b[31mFAIL\x1b[0m', info: '\x1b[36mINFO\x1b[0m' };

export function auditJob(deps: OpsDeps, serverId: string): { def: JobDefinition; report: () => AuditReport | undefined } {
  let raw = '';
  let sshPort = 22;
  let report: AuditReport | undefined;
  let drift: DriftReport | undefined;
  const server = deps.servers.get(serverId);
  const def: JobDefinition = {
    kind: 'audit',
    serverId,
    title: `Security audit of ${server.name}`,
    steps: [
      {
        title: "Read the server's security state (read-only)",
        run: async (ctx) => {
          const ssh = await deps.pool.get(serverId);
          const access = await probeAccess(ssh);
          sshPort = access.sshPort;
          if (access.helperVersion === ROOT_HELPER.version) {
            // The drift check joins the audit: the same read-only look, one more channel at once.
            const [audit, driftRes] = await Promise.all([
              ctx.exec(ssh, helper(access, 'audit').text, { quiet: true }),
              ctx.exec(ssh, helper(access, 'drift').text, { quiet: true, check: false }),
            ]);
            raw = audit.stdout;
            try {
              if (driftRes.code !== 0) throw new Error(driftRes.stderr.trim().slice(-200));
              drift = concludeDrift(deps, serverId, access.sshPort, driftRes.stdout, 0);
            } catch (e) {
              ctx.warn(`the drift check did not finish: ${e instanceof Error ? e.message : String(e)}`);
            }
          } else if (access.privilege === 'root' || access.privilege === 'sudo') {
            raw = (await ctx.exec(ssh, AUDIT_SCRIPT, { quiet: true, sudo: access.privilege === 'sudo' })).stdout;
          } else {
            ctx.warn(`${access.user} cannot read everything as root: some items will say so`);
            raw = (await ctx.exec(ssh, AUDIT_SCRIPT, { quiet: true, check: false })).stdout;
          }
          ctx.log(`read ${raw.split('\n').length} lines`);
        },
      },
      {
        title: 'Evaluate',
        run: async (ctx) => {
          const items = [...evaluateAudit({ raw, sshPort, appUser: deps.servers.get(serverId).setup?.appUser }), ...(drift ? driftAuditItems(drift.findings) : [])];
          const summary = { pass: 0, warn: 0, fail: 0, info: 0 };
          for (const i of items) {
            summary[i.status]++;
            ctx.log(`${MARK[i.status]} ${i.title}: ${i.detail}${i.fix ? `\n       → ${i.fix}` : ''}`);
          }
          report = { serverId, serverName: server.name, host: server.host, at: new Date().toISOString(), items, summary };
          return { note: `${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail` };
        },
      },
    ],
    onSucceeded: async () => {
      if (report) await deps.servers.patch(serverId, (s) => ({ ...s, lastAudit: report, ...(drift ? { lastDrift: drift } : {}) }));
    },
  };
  return { def, report: () => report };
}
