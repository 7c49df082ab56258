// The helper's backup verbs that need no service user, run in bash on this machine against a
// scratch backup store: what `backup-read` writes passes the desktop's check, and `backup-receive`
// keeps only archives made of listed, intact, plain parts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveCheck } from '../../backups/archiveCheck';
import { FIXTURE_ID, packBackupDir, writeBackupDir } from '../../backups/testing/backupFixture';
import { HELPER_LIBRARY } from './build';

const lib = path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-bkv-')), 'lib.sh');
writeFileSync(lib, HELPER_LIBRARY);
const PARTS = { 'data/data.db.zst': Buffer.alloc(5000, 2), 'data/files.tar.zst': 'files', 'release/pb_migrations.tar.zst': 'm' };

/** Runs a helper function with the backup store in `store` (root's chown/install owners left out). */
function run(store: string, call: string, input?: Buffer): { code: number; out: Buffer; err: string } {
  const r = spawnSync('bash', ['-c', `source "${lib}"; set -euo pipefail; BACKUPS="$1"; backup_home() { mkdir -p "$BACKUPS/$1"; printf '%s' "$BACKUPS/$1"; }; ${call}`, 'x', store], { input });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.toString() };
}

function store(): string {
  const s = mkdtempSync(path.join(os.tmpdir(), 'skiff-store-'));
  writeBackupDir(path.join(s, 'notes', FIXTURE_ID), PARTS);
  return s;
}

function archiveFrom(prepare: (dir: string) => void): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-src-'));
  writeBackupDir(dir, PARTS);
  prepare(dir);
  return readFileSync(packBackupDir(dir, `${dir}.tar`));
}

describe('backup verbs', () => {
  it('backup-read writes an archive the desktop accepts, and backup_verify passes the folder', () => {
    const s = store();
    expect(run(s, `backup_verify "$BACKUPS/notes/${FIXTURE_ID}"`).code).toBe(0);
    const r = run(s, `verb_backup_read notes ${FIXTURE_ID}`);
    expect(r.code, r.err).toBe(0);
    const c = new ArchiveCheck();
    c.feed(r.out);
    expect(c.finish().parts).toHaveLength(3);
  });

  it('backup_verify names the part that changed, went missing, or was added', () => {
    const s = store();
    const d = path.join(s, 'notes', FIXTURE_ID);
    writeFileSync(path.join(d, 'data/files.tar.zst'), 'filez');
    expect(run(s, `backup_verify "${d}"`).err).toMatch(/part data\/files\.tar\.zst does not match its sha256: the backup is damaged/);
    rmSync(path.join(d, 'data/files.tar.zst'));
    expect(run(s, `backup_verify "${d}"`).err).toMatch(/data\/files\.tar\.zst is missing/);
    writeFileSync(path.join(d, 'data/files.tar.zst'), 'files');
    writeFileSync(path.join(d, 'data/extra.db.zst'), 'x');
    expect(run(s, `backup_verify "${d}"`).err).toMatch(/files its manifest does not list/);
  });

  it('backup-receive keeps an intact archive and refuses links, extra files, odd names and changed parts, keeping nothing of them', () => {
    const s = mkdtempSync(path.join(os.tmpdir(), 'skiff-store-'));
    const ok = run(s, `verb_backup_receive notes ${FIXTURE_ID}`, archiveFrom(() => {}));
    expect(ok.code, ok.err).toBe(0);
    expect(readdirSync(path.join(s, 'notes'))).toEqual([FIXTURE_ID]);
    const hostile: [string, (d: string) => void, RegExp][] = [
      ['link', (d) => { rmSync(path.join(d, 'data/files.tar.zst')); symlinkSync('/etc/passwd', path.join(d, 'data/files.tar.zst')); }, /not a plain file/],
      ['extra', (d) => writeFileSync(path.join(d, 'data/run.sh'), 'x'), /holds data\/run\.sh, which is not a part/],
      ['changed', (d) => writeFileSync(path.join(d, 'data/files.tar.zst'), 'FILES'), /does not match its sha256/],
      ['unlisted', (d) => writeFileSync(path.join(d, 'data/logs.db.zst'), 'x'), /files its manifest does not list/],
    ];
    hostile.forEach(([name, prepare, why], i) => {
      const id = `20990101-000000-00000${i}`;
      const r = run(s, `verb_backup_receive notes ${id}`, archiveFrom(prepare));
      expect(r.code, name).toBe(64);
      expect(r.err, name).toMatch(why);
    });
    const garbage = run(s, 'verb_backup_receive notes 20990101-000000-0000ff', Buffer.from('not a tar at all'));
    expect(garbage.err).toMatch(/not a readable tar archive/);
    expect(readdirSync(path.join(s, 'notes'))).toEqual([FIXTURE_ID]);
  });
});
