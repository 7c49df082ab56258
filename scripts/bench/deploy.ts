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
import type { Job, Server, Version } from '../../src-shared/domain';
import { startLoad } from './load';
import type { Row } from './backups';

const MB = 1024 * 1024;
const ROUNDS = 3;
const DOMAIN = 'bench.skiff.test';

export async function benchDeploy(o: { vps: TestVps; core: SkiffCore; server: Server; key: string; dir: string; log: (s: string) => void }): Promise<Row[]> {
  const { vps, core, server, key, dir, log } = o;
  const wait = async (job: Job) => { const j = await core.jobs.runner.wait(job.id); if (j.status !== 'succeeded') throw new Error(`${j.title}: ${j.status} ${j.error?.message ?? ''}`); return j; };
  const rows: Row[] = [];
  const row = (name: string, skiff: string, base: string, note = '') => rows.push({ name, skiff, base, note });
  // Each figure is the median of ROUNDS runs (the machine is noisy). Per round: B is a fresh 50 MB
  // version that shares nothing with the server's store (a full deploy); D is B with 1 MB of
  // pb_public changed (a delta deploy); then a rollback from D to B, each beside its baseline.
  const random = (name: string, bytes: number) => { const f = path.join(dir, name); writeFileSync(f, randomBytes(bytes)); return f; };
  const stored = (name: string, file: string) => ({ name, file, stored: true });
  log('building the 50 MB versions');
  const zipA = buildVersionZip(path.join(dir, 'bench-a.zip'), { label: 'a', payloadBytes: 50 * MB });
  const zipC = buildVersionZip(path.join(dir, 'bench-c.zip'), { label: 'c' });
  const zipSize = (await core.versions.add(zipA)).size;
  const vC = await core.versions.add(zipC);
  const vA = core.versions.list().find((v) => v.fileName === 'bench-a.zip')!;
  const rounds: { zipB: string; vB: Version; vD: Version }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const shared = random(`shared-${i}.bin`, 49 * MB);
    const zipB = buildVersionZip(path.join(dir, `bench-b${i}.zip`), { label: `b${i}`, extra: [stored('pb_public/shared.bin', shared), stored('pb_public/chunk.bin', random(`chunk-b${i}.bin`, MB))] });
    const zipD = buildVersionZip(path.join(dir, `bench-d${i}.zip`), { label: `b${i}`, extra: [stored('pb_public/shared.bin', shared), stored('pb_public/chunk.bin', random(`chunk-d${i}.bin`, MB))] });
    rounds.push({ zipB, vB: await core.versions.add(zipB), vD: await core.versions.add(zipD) });
  }
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
  const scp = (file: string, to: string) => run('scp', ['-q', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-i', key, '-P', String(vps.ports.ssh), file, `skiff@127.0.0.1:${to}`]);
  const switchRestartCurl = (release: string) => `ln -sfn releases/${release} ~/base/.c && mv -T ~/base/.c ~/base/current; sudo -n /usr/bin/systemctl restart bench-baseline; for i in $(seq 1 120); do curl -fs http://127.0.0.1:8299/api/health >/dev/null && break; sleep 0.25; done`;
  const msOf = async (fn: () => Promise<unknown>) => { const t0 = Date.now(); await fn(); return Date.now() - t0; };
  const scpMs: number[] = [];
  scpMs.push(await msOf(() => scp(zipA, '/home/skiff/a.zip')));
  await ssh(`set -e; mkdir -p ~/base/releases/r1 ~/base/data; unzip -q -o ~/a.zip -d ~/base/releases/r1; ${switchRestartCurl('r1')}`);

  // ---- Skiff ----
  const timed = async (start: () => Job) => { const t0 = Date.now(); const j = await wait(start()); return { ms: Date.now() - t0, job: j }; };
  await timed(() => core.ops.deploy(app.id, vA.sha256)); // first deploy: unit, site, first start
  const starts = async () => JSON.parse((await run('curl', ['-s', '-H', `Host: ${DOMAIN}`, `http://127.0.0.1:${vps.ports.http}/api/fixture`])).stdout).starts as number;
  const m = { base: [] as number[], full: [] as number[], upload: [] as number[], delta: [] as number[], deltaBytes: [] as number[], redeploy: [] as number[], rbBase: [] as number[], rollback: [] as number[] };
  let deployCommands = 0, deltaCommands = 0, fullBytes = 0, redeployBytes = 0, restarted = false;
  let fullSteps: Job['steps'] = [];
  let rollbackJob: Job | undefined;
  for (const [i, r] of rounds.entries()) {
    log(`round ${i + 1} of ${ROUNDS}`);
    const rel = `r${i + 2}`;
    m.base.push(await msOf(async () => {
      await scp(r.zipB, '/home/skiff/b.zip');
      await ssh(`set -e; mkdir -p ~/base/releases/${rel}; unzip -q -o ~/b.zip -d ~/base/releases/${rel}; ${switchRestartCurl(rel)}`);
    }));
    const c0 = execStats.commands, u0 = uploadStats.bytes;
    const full = await timed(() => core.ops.deploy(app.id, r.vB.sha256));
    deployCommands = execStats.commands - c0;
    fullBytes = uploadStats.bytes - u0;
    fullSteps = full.job.steps;
    m.full.push(full.ms);
    m.upload.push((zipSize / MB) / ((full.job.steps[1].durationMs ?? 1) / 1000));
    const c1 = execStats.commands, u1 = uploadStats.bytes;
    m.delta.push((await timed(() => core.ops.deploy(app.id, r.vD.sha256))).ms);
    deltaCommands = execStats.commands - c1;
    m.deltaBytes.push(uploadStats.bytes - u1);
    const u2 = uploadStats.bytes, startsBefore = await starts();
    m.redeploy.push((await timed(() => core.ops.deploy(app.id, r.vD.sha256))).ms);
    redeployBytes = uploadStats.bytes - u2;
    restarted ||= (await starts()) !== startsBefore;
    // Rollback baseline: what a shell script does for it, one ssh (switch back, restart, health).
    m.rbBase.push(await msOf(() => ssh(`set -e; ${switchRestartCurl('r1')}`)));
    const releaseB = core.apps.get(app.id).releases.find((x) => x.versionSha256 === r.vB.sha256)!;
    const rb = await timed(() => core.ops.rollback(app.id, releaseB.id, false));
    m.rollback.push(rb.ms);
    rollbackJob = rb.job;
    if (i === 0) scpMs.push(await msOf(() => scp(zipA, '/home/skiff/a2.zip')), await msOf(() => scp(zipA, '/home/skiff/a3.zip')));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [baselineMs, deployMs, deltaMs, rollbackMs, rollbackBaseMs] = [med(m.base), med(m.full), med(m.delta), med(m.rollback), med(m.rbBase)];
  const scpMiBs = (zipSize / MB) / (med(scpMs) / 1000);
  // Under a steady load through Caddy: a deploy (of a small version) and a rollback.
  const load = startLoad(vps.ports.http, DOMAIN);
  await timed(() => core.ops.deploy(app.id, vC.sha256));
  const deployLoad = await load.stop();
  const lastD = core.apps.get(app.id).releases.find((r) => r.versionSha256 === rounds[ROUNDS - 1].vD.sha256)!;
  const load2 = startLoad(vps.ports.http, DOMAIN);
  await timed(() => core.ops.rollback(app.id, lastD.id, false));
  const rollbackLoad = await load2.stop();
  const startAt = /answered 200 after (\d+) ms/.exec(readFileSync(path.join(dir, 'logs', `${rollbackJob!.id}.log`), 'utf8'))?.[1];
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
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  const each = (xs: number[]) => `runs ${xs.map(sec).join(', ')}`;
  row(`deploy of a ${(zipSize / MB).toFixed(0)} MB version (s)`, sec(deployMs), sec(baselineMs), `ratio ${ratio(deployMs, baselineMs)} (goal ≤ 0.6×); baseline = scp + one ssh; medians of ${ROUNDS}: ${each(m.full)} vs ${each(m.base)}`);
  row('  its steps (last run)', '', '', fullSteps.map((st) => `${st.title.split(' ').slice(0, 2).join(' ')} ${sec(st.durationMs ?? 0)}s`).join(' · '));
  row('upload throughput (MiB/s)', med(m.upload).toFixed(1), scpMiBs.toFixed(1), `ratio ${ratio(med(m.upload), scpMiBs)} (goal ≥ 0.9×); baseline = scp`);
  row('delta deploy: 1 MB of the version changed (s)', sec(deltaMs), sec(baselineMs), `ratio ${ratio(deltaMs, baselineMs)} (goal ≤ 0.3×); uploaded ${(med(m.deltaBytes) / MB).toFixed(2)} MiB (goal ≤ 1.1); ${deltaCommands} remote commands + the upload (goal ≤ 3); ${each(m.delta)}`);
  row('redeploy of the version that serves (s)', sec(med(m.redeploy)), '-', `uploaded ${redeployBytes} bytes, ${restarted ? 'RESTARTED' : 'no restart'} (goal ≤ 1 s, no restart); ${each(m.redeploy)}`);
  row('rollback to a kept release (s)', sec(rollbackMs), sec(rollbackBaseMs), `ratio ${ratio(rollbackMs, rollbackBaseMs)} (goal ≤ 1.0×); baseline = one ssh: switch, restart, curl; ${each(m.rollback)} vs ${each(m.rbBase)}; app start ${startAt ?? '?'} ms`);
  row(`app start, real PocketBase ${REAL_PB_VERSION} (ms)`, pbStart, '-', `restart to the first 200 on /api/health (fixture: ${startAt ?? '?'} ms)`);
  row('remote commands per deploy (round trips)', String(deployCommands), '2', `+ the SFTP upload (goal ≤ 3); Skiff bytes uploaded in a full deploy: ${(fullBytes / MB).toFixed(1)} MiB`);
  row('failed requests during deploy', `${deployLoad.failed}/${deployLoad.total}`, '-', `goal: 0 (wrk -c4 through Caddy; ${deployLoad.detail})`);
  row('failed requests during rollback', `${rollbackLoad.failed}/${rollbackLoad.total}`, '-', `goal: 0 (wrk -c4 through Caddy; ${rollbackLoad.detail})`);
  return rows;
}
