// Fleet figures, each beside a baseline from the same run:
//   - one version to an app on each of 3 VMs (a fleet run) against the same deploy to one VM;
//   - fifty apps from one template on one 2 GiB VM: one fleet deploy (one upload) against fifty
//     times one app's deploy, the whole fleet rolled back, memory per app, failed requests on the
//     apps that were not restarting at that moment.
import path from 'node:path';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import { ensurePreparedDisk } from '../../e2e/vps/prepared';
import { TestVps } from '../../e2e/vps/vm';
import { readFileSync } from 'node:fs';
import { sh } from '../../src-main/core/remote/quote';
import type { SkiffCore } from '../../src-main/core/skiffCore';
import type { FleetRecap, Job, Server } from '../../src-shared/domain';
import type { Row } from './backups';

const MB = 1024 * 1024;
const FIFTY = Number(process.env.SKIFF_BENCH_APPS ?? 50);

export async function benchFleet(o: { core: SkiffCore; server: Server; key: string; dir: string; log: (s: string) => void }): Promise<Row[]> {
  const { core, server, key, dir, log } = o;
  const rows: Row[] = [];
  // Each figure is printed as soon as it is measured, so a later failure does not lose it.
  const row = (name: string, skiff: string, base: string, note = '') => { rows.push({ name, skiff, base, note }); log(`${name}: ${skiff} | ${base} | ${note}`); };
  const wait = async (job: Job) => { const j = await core.jobs.runner.wait(job.id); if (j.status !== 'succeeded') throw new Error(`${j.title}: ${j.status} ${j.error?.message ?? ''}`); return j; };
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => { const t = Date.now(); const r = await fn(); return [r, Date.now() - t]; };
  const ok = (r: FleetRecap) => { if (r.counts.failed || r.counts.unreachable || r.stoppedBeforeChange) throw new Error(`fleet run: ${JSON.stringify(r.counts)} ${r.stoppedBeforeChange ?? ''} ${r.targets.map((t) => t.reason ?? '').join(' ')}`); return r; };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  const versions = await Promise.all(['f1', 'f2', 'f3', 'f4'].map((label) => core.versions.add(buildVersionZip(path.join(dir, `fleet-${label}.zip`), { label, payloadBytes: 20 * MB }))));

  // ---- Three VMs against one. ----
  log('two more set-up VMs for the fleet');
  const extra = [await bootSetUp(core, key, 'fleet-2', log), await bootSetUp(core, key, 'fleet-3', log)];
  try {
    const one = await core.apps.create({ serverId: server.id, name: 'fleet', tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [] });
    const apps = [one, ...(await Promise.all(extra.map((e) => core.apps.create({ serverId: e.server.id, name: 'fleet', tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [] }))))];
    const single: number[] = [];
    const fleet: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Alternate so neither side always meets a warm store.
      single.push((await timed(async () => ok(await core.fleet.deploy([one.id], versions[i].sha256, { canary: false }))))[1]);
      fleet.push((await timed(async () => ok(await core.fleet.deploy(apps.map((a) => a.id), versions[i].sha256, { canary: false }))))[1]);
    }
    row('fleet: 3 VMs, one deploy each', s(median(fleet)), s(median(single)), `x${(median(fleet) / median(single)).toFixed(2)} of one VM (target 1.3); medians of 3`);
  } finally {
    for (const e of extra) await e.vps.stop();
  }

  // ---- Fifty apps on one 2 GiB VM. ----
  log(`fifty apps: booting a 2 GiB VM for ${FIFTY} apps`);
  const big = await bootSetUp(core, key, 'fifty', log, 2048);
  try {
    const names = Array.from({ length: FIFTY }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
    const [apps, createMs] = await timed(() => core.apps.createMany({ serverId: big.server.id, tls: 'off', keepReleases: 3, binary: 'pocketbase', env: [] }, names, '{name}.fifty.test'));
    // One app alone first: what a single deploy costs here (the baseline's unit).
    const [, oneMs] = await timed(async () => wait(core.ops.deploy(apps[0].id, versions[3].sha256)));
    const [first, allMs] = await timed(async () => ok(await core.fleet.deploy(apps.slice(1).map((a) => a.id), versions[3].sha256, { batchSize: 5 })));
    const uploads = first.targets.filter((t) => /^sent /.test(core.jobs.store.get(t.jobId!).steps.find((x) => /^Upload/.test(x.title))?.note ?? '')).length;
    const [, secondMs] = await timed(async () => ok(await core.fleet.deploy(apps.map((a) => a.id), versions[0].sha256, { batchSize: 5 })));
    core.fleet.startRollbackFleet({ batchSize: 5 });
    const rollbackStart = Date.now();
    while (core.fleet.current()!.running) await new Promise((r) => setTimeout(r, 500));
    ok(core.fleet.current()!.recap!);
    const rollbackMs = Date.now() - rollbackStart;
    const mem = (await big.vps.exec(`for u in ${apps.map((a) => `skiff-${a.name}.service`).join(' ')}; do systemctl show -p MemoryCurrent --value "$u"; done; free -b | awk '/Mem:/{print "used " $3}'`)).stdout.trim().split('\n');
    const used = Number(mem.pop()!.split(' ')[1]);
    const per = mem.map(Number);
    const healthy = (await big.vps.exec(`n=0; for p in ${apps.map((a) => a.port).join(' ')}; do curl -fs -o /dev/null http://127.0.0.1:$p/api/health && n=$((n+1)); done; echo $n`)).stdout.trim();
    row(`${FIFTY} apps: created from a template`, s(createMs), '', `one read of the server's ports`);
    row(`${FIFTY} apps: one version to all (fleet, batches of 5)`, s(oneMs + allMs), `${s(oneMs * FIFTY)}`, `x${((oneMs + allMs) / oneMs).toFixed(1)} of one app's deploy (target 10); uploads: ${uploads === 0 ? 1 : uploads + 1}`);
    row(`${FIFTY} apps: a second version to all`, s(secondMs), `${s(oneMs * FIFTY)}`, 'the store had the first one only');
    row(`${FIFTY} apps: the whole fleet rolled back`, s(rollbackMs), '', `${healthy}/${FIFTY} answer /api/health after`);
    row(`${FIFTY} apps: memory per app (median)`, `${(median(per) / MB).toFixed(1)} MiB`, '', `the VM uses ${(used / MB).toFixed(0)} MiB of 2048 in all`);
  } finally {
    await big.vps.stop();
  }
  return rows;
}

/** A VM from the prepared disk, added with the bench's key and set up by Skiff. */
async function bootSetUp(core: SkiffCore, key: string, name: string, log: (s: string) => void, memoryMb?: number): Promise<{ vps: TestVps; server: Server }> {
  const vps = await TestVps.boot({ disk: await ensurePreparedDisk(log), log, memoryMb });
  await vps.exec(sh`printf '%s\\n' ${readFileSync(`${key}.pub`, 'utf8').trim()} >> /root/.ssh/authorized_keys`.text);
  const server = await core.servers.add({ name, host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', keyPath: key } });
  await core.servers.trustHostKey(server.id, (await core.servers.scanHostKey(server.id)).fingerprint, false);
  const job = await core.jobs.runner.wait(core.ops.setup(server.id, 'skiff').id);
  if (job.status !== 'succeeded') throw new Error(`setting up ${name}: ${job.error?.message}`);
  return { vps, server: core.servers.get(server.id) };
}
