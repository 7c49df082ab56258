// Backup figures on a generated pb_data of about 500 MB (a 400 MB database, half of each row
// random, and 100 MB of stored files), each beside its baseline measured in the same run:
//   - backup time and MiB/s vs `scp -r` of the same pb_data; failed requests under load meanwhile
//   - restore time and drill time
//   - bytes restic sends for a second scheduled backup after a ~1 MB change vs the first
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import { buildRealPocketbaseZip, realPocketbaseSkipReason } from '../../e2e/fixtures/realPocketbase';
import { run } from '../../e2e/vps/run';
import type { TestVps } from '../../e2e/vps/vm';
import type { SkiffCore } from '../../src-main/core/skiffCore';
import type { Job } from '../../src-shared/domain';
import { startLoad } from './load';

const MB = 1024 * 1024;
const HOST = 'data.skiff.test';

export interface Row { name: string; skiff: string; base: string; note: string }

export async function benchBackups(o: { vps: TestVps; core: SkiffCore; serverId: string; key: string; dir: string; log: (s: string) => void }): Promise<Row[]> {
  const { vps, core, key, dir, log } = o;
  const wait = async (job: Job) => { const j = await core.jobs.runner.wait(job.id); if (j.status !== 'succeeded') throw new Error(`${j.title}: ${j.status} ${j.error?.message ?? ''}`); return j; };
  const timed = async (start: () => Job | Promise<Job>) => { const t0 = Date.now(); const j = await wait(await start()); return { ms: Date.now() - t0, job: j }; };
  const real = !realPocketbaseSkipReason();
  const zip = real ? buildRealPocketbaseZip(path.join(dir, 'data-pb.zip'), { label: 'data', migration: 'open' }) : buildVersionZip(path.join(dir, 'data-fix.zip'), { label: 'data' });
  const app = await core.apps.create({ serverId: o.serverId, name: 'bigdata', domain: HOST, tls: 'off', keepReleases: 2, binary: 'pocketbase', env: [] });
  await wait(core.ops.deploy(app.id, (await core.versions.add(zip)).sha256));

  log('generating a ~500 MB pb_data on the server');
  await vps.exec(`set -e
systemctl stop skiff-bigdata
cd /opt/skiff/apps/bigdata/shared/pb_data
runuser -u pb-bigdata -- python3 - <<'PY'
import os, sqlite3
c = sqlite3.connect('data.db'); c.execute('pragma journal_mode=wal')
c.execute('create table if not exists bench_rows (id integer primary key, body blob)')
text = (b'PocketBase row text that compresses like real records do. ' * 40)[:2000]
for i in range(0, 100000, 1000):
    c.executemany('insert into bench_rows(body) values (?)', [(os.urandom(2000) + text,) for _ in range(1000)])
c.commit(); c.execute('pragma wal_checkpoint(truncate)'); c.close()
os.makedirs('storage/bench', exist_ok=True)
for i in range(100):
    with open(f'storage/bench/file{i}.bin', 'wb') as f: f.write(os.urandom(1024 * 1024))
PY
systemctl start skiff-bigdata
du -sb . | cut -f1`);
  const dataBytes = Number((await vps.exec('du -sb /opt/skiff/apps/bigdata/shared/pb_data | cut -f1')).stdout.trim());

  // Baseline: scp -r of the same folder (as root, which can read it), in the same run and under
  // the same load as the backup: the app's requests take the VM's CPU from both alike.
  const loadPath = real ? '/api/collections/notes/records?perPage=5' : '/api/health';
  log('scp -r of pb_data under load (the baseline)');
  const scpLoad = startLoad(vps.ports.http, HOST, loadPath);
  const scp0 = Date.now();
  await run('scp', ['-q', '-r', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-i', key, '-P', String(vps.ports.ssh), 'root@127.0.0.1:/opt/skiff/apps/bigdata/shared/pb_data', path.join(dir, 'scp-pb_data')]);
  const scpMs = Date.now() - scp0;
  await scpLoad.stop();

  log('backing up under load');
  const load = startLoad(vps.ports.http, HOST, loadPath);
  const backup = await timed(() => core.ops.backupNow(app.id));
  const backupLoad = await load.stop();
  const b = core.backups.list(app.id)[0];
  const steps = backup.job.steps.map((s) => `${s.title.split(' ').slice(0, 2).join(' ')} ${((s.durationMs ?? 0) / 1000).toFixed(1)}s`).join(' · ');

  log('restore and drill');
  const restore = await timed(() => core.ops.restore(b.id));
  const drill = await timed(() => core.ops.drill(b.id));

  log('scheduled pushes to an SFTP target (deduplication)');
  const sftpKey = path.join(dir, 'id_ed25519');
  await vps.exec(`id drop >/dev/null 2>&1 || useradd -m -s /bin/bash drop; install -d -m 700 -o drop -g drop /home/drop/.ssh; cp /root/.ssh/authorized_keys /home/drop/.ssh/authorized_keys; chown drop:drop /home/drop/.ssh/authorized_keys`);
  const knownHosts = (await vps.exec('ssh-keyscan -t ed25519 127.0.0.1 2>/dev/null')).stdout.trim();
  await timed(() => core.ops.setSchedule({ appId: app.id, serverEvery: 'daily', serverKeep: 3, desktopEvery: 'off', target: { kind: 'sftp', host: '127.0.0.1', port: 22, user: 'drop', path: '/home/drop/restic-bigdata', knownHosts } }, { secret: readFileSync(sftpKey, 'utf8') }));
  const push1 = await timed(() => core.ops.runSchedule(app.id));
  const added1 = (await core.backups.scheduleStatus(app.id)).lastRun?.addedBytes ?? 0;
  await vps.exec(`runuser -u pb-bigdata -- python3 -c "
import os, sqlite3
c = sqlite3.connect('/opt/skiff/apps/bigdata/shared/pb_data/data.db')
c.executemany('insert into bench_rows(body) values (?)', [(os.urandom(1000),) for _ in range(1000)])
c.commit()"`);
  const push2 = await timed(() => core.ops.runSchedule(app.id));
  const added2 = (await core.backups.scheduleStatus(app.id)).lastRun?.addedBytes ?? 0;

  const mib = (n: number) => (n / MB).toFixed(0);
  const rate = (bytes: number, ms: number) => ((bytes / MB) / (ms / 1000)).toFixed(1);
  return [
    { name: `backup of a ${mib(dataBytes)} MB pb_data (s)`, skiff: (backup.ms / 1000).toFixed(1), base: (scpMs / 1000).toFixed(1), note: `ratio ${(backup.ms / scpMs).toFixed(2)}×; baseline = scp -r of the same files under the same load (not a consistent copy, not compressed, not checked); ${steps}` },
    { name: 'backup throughput (MiB/s of pb_data)', skiff: rate(dataBytes, backup.ms), base: rate(dataBytes, scpMs), note: `archive ${mib(b.copies.desktop?.bytes ?? 0)} MB (zstd), every part checked on arrival` },
    { name: 'failed requests during the backup', skiff: `${backupLoad.failed}/${backupLoad.total}`, base: '-', note: `goal: 0 (wrk -c4 through Caddy; ${backupLoad.detail})` },
    { name: 'restore of that backup (s)', skiff: (restore.ms / 1000).toFixed(1), base: '-', note: 'check, stop, pre-restore backup, swap, start, health' },
    { name: 'restore drill (s)', skiff: (drill.ms / 1000).toFixed(1), base: '-', note: 'unpack to scratch, integrity check, run, /api/health, counts' },
    { name: 'scheduled push after a 1 MB change (MB)', skiff: (added2 / MB).toFixed(1), base: (added1 / MB).toFixed(1), note: `baseline = the first push; restic data added (deduplicated); runs ${(push1.ms / 1000).toFixed(1)} s / ${(push2.ms / 1000).toFixed(1)} s` },
  ];
}
