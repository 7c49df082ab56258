// `npm run bench [deploy|backups|fleet]`: Skiff's figures beside a plain-OpenSSH baseline measured in the
// same run, against a fresh set-up test VPS. Prints; asserts nothing (figures are not tests). Each
// section is a module in scripts/bench/ (deploy.ts, backups.ts, fleet.ts); naming one runs only that one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePreparedDisk } from '../e2e/vps/prepared';
import { TestVps } from '../e2e/vps/vm';
import { createCore } from '../src-main/core/skiffCore';
import { sh } from '../src-main/core/remote/quote';
import type { Job } from '../src-shared/domain';
import { benchBackups } from './bench/backups';
import { benchDeploy } from './bench/deploy';
import { benchFleet } from './bench/fleet';

const log = (s: string) => console.log(`[bench] ${s}`);

const only = process.argv[2];
const SECTIONS = ['deploy', 'backups', 'fleet'];
if (only && !SECTIONS.includes(only)) throw new Error(`unknown bench section "${only}" (${SECTIONS.join(', ')})`);
const runs = (section: string) => !only || only === section;
const vps = await TestVps.boot({ disk: await ensurePreparedDisk(log), log });
try {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-bench-'));
  const key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await vps.exec(sh`printf '%s\\n' ${readFileSync(`${key}.pub`, 'utf8').trim()} >> /root/.ssh/authorized_keys`.text);
  const core = createCore({ dataDir: dir, keychainService: `skiff-bench-${process.pid}` });
  const server = await core.servers.add({ name: 'bench', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', keyPath: key } });
  await core.servers.trustHostKey(server.id, (await core.servers.scanHostKey(server.id)).fingerprint, false);
  const wait = async (job: Job) => { const j = await core.jobs.runner.wait(job.id); if (j.status !== 'succeeded') throw new Error(`${j.title}: ${j.status} ${j.error?.message ?? ''}`); return j; };
  await wait(core.ops.setup(server.id, 'skiff'));

  const rows = [
    ...(runs('deploy') ? await benchDeploy({ vps, core, server, key, dir, log }) : []),
    ...(runs('backups') ? await benchBackups({ vps, core, serverId: server.id, key, dir, log }) : []),
    ...(runs('fleet') ? await benchFleet({ core, server, key, dir, log }) : []),
  ];
  core.close();
  console.log(`\n${'figure'.padEnd(44)} ${'skiff'.padStart(14)} ${'baseline'.padStart(14)}`);
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${r.skiff.padStart(14)} ${r.base.padStart(14)}  ${r.note}`);
} finally {
  await vps.stop();
}
