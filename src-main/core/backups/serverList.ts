// Reads an app's backups on its server (`backup-list`) and merges them into the list: scheduled
// backups this desktop never saw are added, copies the server no longer has are unmarked.
import type { NodeSSH } from 'node-ssh';
import type { App, Backup, Server } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { argIsValid } from '../remote/helper/args';
import { helperCall } from '../remote/helper/verbs';
import { parseKv } from '../remote/readBack';
import { runScript } from '../ssh/exec';
import type { BackupStore } from './backupStore';
import { manifestFromBase64 } from './manifest';
import { mergeServerList } from './records';
import { backupFailure } from './transfer';

export async function readServerBackups(ssh: NodeSSH, app: App, server: Server, store: BackupStore): Promise<Backup[]> {
  const res = await runScript(ssh, helperCall('backup-list', [app.name]).text);
  if (res.code !== 0) throw backupFailure(res.code, res.stderr);
  const listed = (parseKv(res.stdout).get('backup') ?? []).map((line) => {
    const m = /^(\S+) ([0-9]{1,15}) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m || !argIsValid('backupId', m[1])) throw new SkiffError('SERVER_STATE_INVALID', { message: `The server listed a backup Skiff cannot read: "${line.slice(0, 60)}".` });
    const manifest = manifestFromBase64(m[3], `backup ${m[1]} on ${server.name}`);
    if (manifest.id !== m[1]) throw new SkiffError('SERVER_STATE_INVALID', { message: `Backup folder ${m[1]} on ${server.name} holds the manifest of ${manifest.id}.` });
    return { manifest, bytes: Number(m[2]) };
  });
  const { save, drop } = mergeServerList(store.list(app.id), listed, app, server);
  save.forEach((b) => store.save(b));
  drop.forEach((id) => store.remove(id));
  return store.list(app.id);
}

/** Marks which of the app's backups its off-server target holds (`backup-remote-list`, read-only). */
export async function readRemoteCopies(ssh: NodeSSH, app: App, store: BackupStore, kind: 's3' | 'sftp' | undefined): Promise<void> {
  let ids = new Set<string>();
  if (kind) {
    const res = await runScript(ssh, helperCall('backup-remote-list', [app.name]).text);
    if (res.code !== 0) throw backupFailure(res.code, res.stderr);
    ids = new Set((parseKv(res.stdout).get('remote') ?? []).filter((id) => argIsValid('backupId', id)));
  }
  for (const b of store.list(app.id)) {
    const has = ids.has(b.id);
    if (has === !!b.copies.remote) continue;
    const copies = { ...b.copies };
    if (has) copies.remote = { kind: kind! };
    else delete copies.remote;
    store.save({ ...b, copies });
  }
}
