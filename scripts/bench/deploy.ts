// Deploy figures, each beside a plain-OpenSSH baseline measured in the same run:
//   - deploy of a 50 MB version vs `scp` + one `ssh` (unzip, switch, restart, curl health)
//   - upload MiB/s vs `scp` alone; a delta deploy (1 MB of 50 changed) vs the same baseline;
//     redeploy of the version that serves; rollback vs one `ssh` (switch, restart, curl)
//   - remote commands (round trips) per deploy; failed requests under load during deploy and rollback
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import { buildRealPocketbaseZip, realPocketbaseSkipReason, REAL_PB_VERSION } from '../../e2e/fixtures/realPocketbase';
import { run } from '../../e2e/vps/run';
import type { TestVps } from '../../e2e/vps/vm';
import { uploadStats } from '../../src-main/core/ops/upload';
import type { SkiffCore } from '../../src-main/core/skiffCore';
import { execStats } from '../../src-main/core/ssh/exec';
import type { Job, Server } from '../../src-shared/domain';
import { startLoad } from './load';
import type { Row } from './backups';

const MB = 1024 * 1024;
const DOMAIN = 'bench.skiff.test';

export async function benchDeploy(o: { vps: TestVps; core: SkiffCore; server: Server; key: string; dir: string; log: (s: string) => void }): Promise<Row[]> {
  const { vps, core, server, key, dir, log } = o;
  const wait = async (job: Job) => { const j = await core.jobs.runner.wait(job.id); if (j.status !== 'succeeded') throw new Error(`${j.title}: ${j.status} ${j.error?.message ?? ''}`); return j; };
  const rows: Row[] = [];
  const row = (name: string, skiff: string, base: string, note = '') => rows.push({ name, skiff, base, note });
  log('building the 50 MB versions');
  // A and B share nothing (a full deploy); D is B with 1 MB of pb_public changed (a delta deploy).
  const random = (name: string, bytes: number) => { const f = path.join(dir, name); writeFileSync(f, randomBytes(bytes)); return f; };
  const shared = random('shared.bin', 49 * MB);
  const stored = (name: string, file: string) => ({ name, file, stored: true });
  const zipA = buildVersionZip(path.join(dir, 'bench-a.zip'), { label: 'a', payloadBytes: 50 * MB });
  const zipB = buildVersionZip(path.join(dir, 'bench-b.zip'), { label: 'b', extra: [stored('pb_public/shared.bin', shared), stored('pb_public/chunk.bin', random('chunk-b.bin', MB))] });
  const zipD = buildVersionZip(path.join(dir, 'bench-d.zip'), { label: 'b', extra: [stored('pb_public/shared.bin', shared), stored('pb_public/chunk.bin', random('chunk-d.bin', MB))] });
  const zipC = buildVersionZip(path.join(dir, 'bench-c.zip'), { label: 'c' });
  const zipSize = (await core.versions.add(zipA)).size;
  const vC = await core.versions.add(zipC);
  const vA = core.versions.list().find((v) => v.fileName === 'bench-a.zip')!;
  const vB = await core.versions.add(zipB);
  const vD = await core.versions.add(zipD);
  const app = await core.apps.create({ serverId: server.id, name: 'bench', domain: DOMAIN, tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [] });

  // ---- Baseline: scp + one ssh, the way a shell script would do it, as the same app user. ----
  await vps.exec(`cat > /etc/systemd/system/bench-baseline.service <<'EOF2'
[Service]
User=skiff
ExecStart=/home/skiff/base/current/pocketbase serve --http=127.0.0.1:8299 --dir=/home/skiff/base/data
EOF2
systemctl daemon-reload
echo 'skiff ALL=(root) NOPASSWD: /usr/bin/systemctl restart bench-baseline' > /etc/sudoers.d/bench-baseline`);
  const ssh = (cmd: string) => run('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-i', key, '-p', String(vps.ports.ssh), 'skiff@127.0.0.1', cmd]);
  const scpStart = Date.now();
  await run('scp', ['-q', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-i', key, '-P', String(vps.ports.ssh), zipA, 'skiff@127.0.0.1:/home/skiff/a.zip']);
  const scpMs = Date.now() - scpStart;
  await ssh(`set -e; mkdir -p ~/base/releases/r1 ~/base/data; unzip -q -o ~/a.zip -d ~/base/releases/r1; ln -sfn releases/r1 ~/base/.c && mv -T ~/base/.c ~/base/current; sudo -n /usr/bin/systemctl restart bench-baseline; for i in $(seq 1 120); do curl -fs http://127.0.0.1:8299/api/health >/dev/null && break; sleep 0.25; done`);
  const baseStart = Date.now();
  await run('scp', ['-q', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-i', key, '-P', String(vps.ports.ssh), zipB, 'skiff@127.0.0.1:/home/skiff/b.zip']);
  await ssh(`set -e; mkdir -p ~/base/releases/r2; unzip -q -o ~/b.zip -d ~/base/releases/r2; ln -sfn releases/r2 ~/base/.c && mv -T ~/base/.c ~/base/current; sudo -n /usr/bin/systemctl restart bench-baseline; for i in $(seq 1 120); do curl -fs http://127.0.0.1:8299/api/health >/dev/null && break; sleep 0.25; done`);
  const baselineMs = Date.now() - baseStart;

  // ---- Skiff ----
  const timed = async (start: () => Job) => { const t0 = Date.now(); const j = await wait(start()); return { ms: Date.now() - t0, job: j }; };
  await timed(() => core.ops.deploy(app.id, vA.sha256)); // first deploy: unit, site, first start
  const c0 = execStats.commands;
  const u0 = uploadStats.bytes;
  const deployB = await timed(() => core.ops.deploy(app.id, vB.sha256));
  const deployCommands = execStats.commands - c0;
  const uploadStep = deployB.job.steps[1];
  const uploadMiBs = (zipSize / MB) / ((uploadStep.durationMs ?? 1) / 1000);
  const u1 = uploadStats.bytes;
  const c1 = execStats.commands;
  const delta = await timed(() => core.ops.deploy(app.id, vD.sha256));
  const deltaCommands = execStats.commands - c1;
  const deltaBytes = uploadStats.bytes - u1;
  const u2 = uploadStats.bytes;
  const starts = async () => JSON.parse((await run('curl', ['-s', '-H', `Host: ${DOMAIN}`, `http://127.0.0.1:${vps.ports.http}/api/fixture`])).stdout).starts as number;
  const startsBefore = await starts();
  const redeploy = await timed(() => core.ops.deploy(app.id, vD.sha256));
  const redeployBytes = uploadStats.bytes - u2;
  const restarted = (await starts()) !== startsBefore;
  // Rollback baseline: what a shell script does for it, one ssh (switch back, restart, health).
  const rbBase0 = Date.now();
  await ssh(`set -e; ln -sfn releases/r1 ~/base/.c && mv -T ~/base/.c ~/base/current; sudo -n /usr/bin/systemctl restart bench-baseline; for i in $(seq 1 120); do curl -fs http://127.0.0.1:8299/api/health >/dev/null && break; sleep 0.25; done`);
  const rollbackBaseMs = Date.now() - rbBase0;
  const releaseA = core.apps.get(app.id).releases.find((r) => r.versionSha256 === vA.sha256)!;
  const rollback = await timed(() => core.ops.rollback(app.id, releaseA.id, false));
  // Under a steady load through Caddy: a deploy (of a small version) and a rollback.
  const load = startLoad(vps.ports.http, DOMAIN);
  await timed(() => core.ops.deploy(app.id, vC.sha256));
  const deployLoad = await load.stop();
  const releaseB = core.apps.get(app.id).releases.find((r) => r.versionSha256 === vB.sha256)!;
  const load2 = startLoad(vps.ports.http, DOMAIN);
  await timed(() => core.ops.rollback(app.id, releaseB.id, false));
  const rollbackLoad = await load2.stop();
  const startAt = /answered 200 after (\d+) ms/.exec(readFileSync(path.join(dir, 'logs', `${rollback.job.id}.log`), 'utf8'))?.[1];
  // The real PocketBase's start, measured the same way (restart to the first 200 on /api/health).
  const pbSkip = realPocketbaseSkipReason();
  let pbStart = pbSkip ? `skipped: ${pbSkip}` : '?';
  if (!pbSkip) {
    const pbApp = await core.apps.create({ serverId: server.id, name: 'realpb', tls: 'off', keepReleases: 2, binary: 'pocketbase', env: [] });
    const v1 = await core.versions.add(buildRealPocketbaseZip(path.join(dir, 'pb1.zip'), { label: 'one', hook: true, migration: true }));
    const v2 = await core.versions.add(buildRealPocketbaseZip(path.join(dir, 'pb2.zip'), { label: 'two', hook: true, migration: true }));
    await wait(core.ops.deploy(pbApp.id, v1.sha256));
    const second = await wait(core.ops.deploy(pbApp.id, v2.sha256)); // data exists: a realistic restart
    pbStart = `${/answered 200 after (\d+) ms/.exec(readFileSync(path.join(dir, 'logs', `${second.id}.log`), 'utf8'))?.[1] ?? '?'} ms`;
  }
  row(`deploy of a ${(zipSize / MB).toFixed(0)} MB version (s)`, (deployB.ms / 1000).toFixed(1), (baselineMs / 1000).toFixed(1), `ratio ${(deployB.ms / baselineMs).toFixed(2)}× (goal ≤ 1.2×); baseline = scp + one ssh`);
  row('  its steps', '', '', deployB.job.steps.map((st) => `${st.title.split(' ').slice(0, 2).join(' ')} ${((st.durationMs ?? 0) / 1000).toFixed(1)}s`).join(' · '));
  row('upload throughput (MiB/s)', uploadMiBs.toFixed(1), ((zipSize / MB) / (scpMs / 1000)).toFixed(1), `ratio ${(uploadMiBs / ((zipSize / MB) / (scpMs / 1000))).toFixed(2)}× (goal ≥ 0.9×); baseline = scp`);
  row('delta deploy: 1 MB of the version changed (s)', (delta.ms / 1000).toFixed(1), (baselineMs / 1000).toFixed(1), `ratio ${(delta.ms / baselineMs).toFixed(2)}× (goal ≤ 0.3×); uploaded ${(deltaBytes / MB).toFixed(2)} MiB (goal ≤ 1.1); ${deltaCommands} remote commands + the upload (goal ≤ 3)`);
  row('redeploy of the version that serves (s)', (redeploy.ms / 1000).toFixed(1), '-', `uploaded ${redeployBytes} bytes, ${restarted ? 'RESTARTED' : 'no restart'} (goal ≤ 1 s, no restart)`);
  row('rollback to a kept release (s)', (rollback.ms / 1000).toFixed(1), (rollbackBaseMs / 1000).toFixed(1), `ratio ${(rollback.ms / rollbackBaseMs).toFixed(2)}× (goal ≤ 1.0×); baseline = one ssh: switch, restart, curl; app start ${startAt ?? '?'} ms`);
  row(`app start, real PocketBase ${REAL_PB_VERSION} (ms)`, pbStart, '-', `restart to the first 200 on /api/health (fixture: ${startAt ?? '?'} ms)`);
  row('remote commands per deploy (round trips)', String(deployCommands), '2', `+ the SFTP upload (goal ≤ 3); Skiff bytes uploaded: ${((u1 - u0) / MB).toFixed(1)} MiB`);
  row('failed requests during deploy', `${deployLoad.failed}/${deployLoad.total}`, '-', `goal: 0 (wrk -c4 through Caddy; ${deployLoad.detail})`);
  row('failed requests during rollback', `${rollbackLoad.failed}/${rollbackLoad.total}`, '-', `goal: 0 (wrk -c4 through Caddy; ${rollbackLoad.detail})`);
  return rows;
}
