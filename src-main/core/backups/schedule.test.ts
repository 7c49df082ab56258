import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backup, BackupSchedule, Job } from '../../../src-shared/domain';
import { BackupStore } from './backupStore';
import { DesktopScheduler } from './desktopScheduler';
import { readScheduleStatus, targetLines } from './schedule';

const KEEP = { keepLast: 3, keepDaily: 7, keepWeekly: 4 };
const sched = (o: Partial<BackupSchedule> = {}): BackupSchedule => ({ appId: 'app-1', serverEvery: 'daily', serverKeep: 3, desktopEvery: 'off', ...o });

describe('targetLines', () => {
  it('renders an S3 and an SFTP target with secrets in base64, and nothing without a target', () => {
    expect(targetLines(undefined, {}, KEEP)).toEqual([]);
    const s3 = targetLines({ kind: 's3', url: 'https://s3.example.com/bucket/app', keyId: 'AKIA1' }, { secret: 'sec ret', password: 'a long repository password' }, KEEP);
    expect(s3).toEqual(['kind=s3', `password=${Buffer.from('a long repository password').toString('base64')}`, 's3_url=https://s3.example.com/bucket/app', 's3_key_id=AKIA1', `s3_secret=${Buffer.from('sec ret').toString('base64')}`, 'keep_last=3', 'keep_daily=7', 'keep_weekly=4']);
    const sftp = targetLines({ kind: 'sftp', host: 'backup.example.com', port: 2222, user: 'drop', path: '/srv/x', knownHosts: 'backup.example.com ssh-ed25519 AAAA' }, { secret: 'KEY', password: 'a long repository password' }, KEEP);
    expect(sftp).toContain('sftp_port=2222');
    expect(sftp.join('\n')).not.toContain('KEY');
  });

  it('refuses a missing secret and a value the helper would refuse', () => {
    expect(() => targetLines({ kind: 's3', url: 'https://h/b', keyId: 'k' }, { password: 'a long repository password' }, KEEP)).toThrow(/secret key/);
    expect(() => targetLines({ kind: 's3', url: 'https://h/b;reboot', keyId: 'k' }, { secret: 's', password: 'a long repository password' }, KEEP)).toThrow(/s3 url is not valid/);
  });
});

describe('readScheduleStatus', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  it('reads the schedule and the last run, and flags a failed run', () => {
    const out = `schedule=daily 3 s3\nnext=Sat 2026-11-28 03:17:00 UTC\nlast_at=${at('2026-11-27T03:17:00Z')}\nlast_status=failed\nlast_backup=20261127-031700-abcdef\nlast_pushed=failed\nlast_added=0\nlast_error=the push to the s3 target failed: timeout\n`;
    const s = readScheduleStatus(out, sched(), now);
    expect(s.server).toEqual({ every: 'daily', keep: 3, target: 's3', next: 'Sat 2026-11-28 03:17:00 UTC' });
    expect(s.lastRun).toMatchObject({ ok: false, pushed: 'failed', backup: '20261127-031700-abcdef' });
    expect(s.flag).toMatchObject({ kind: 'failed', message: expect.stringMatching(/timeout/) });
  });

  it('flags a schedule with no backup for twice its interval, and not one that is on time', () => {
    const ok = (iso: string) => `schedule=daily 3 none\nlast_at=${at(iso)}\nlast_status=ok\nlast_backup=20261127-031700-abcdef\nlast_pushed=no\n`;
    expect(readScheduleStatus(ok('2026-11-27T03:17:00Z'), sched(), now).flag).toBeUndefined();
    expect(readScheduleStatus(ok('2026-11-24T03:17:00Z'), sched(), now).flag).toMatchObject({ kind: 'missing' });
    expect(readScheduleStatus('schedule=daily 3 none\n', sched({ appliedAt: '2026-11-20T00:00:00Z' }), now).flag).toMatchObject({ kind: 'missing' });
    expect(readScheduleStatus('schedule=none\n', sched({ serverEvery: 'off' }), now).flag).toBeUndefined();
  });
});

describe('DesktopScheduler', () => {
  it('starts a backup for each app whose newest local copy is older than its interval, one job at a time', () => {
    const store = new BackupStore(mkdtempSync(path.join(os.tmpdir(), 'skiff-sched-')));
    store.saveSchedule(sched({ appId: 'app-1', desktopEvery: 'daily' }));
    store.saveSchedule(sched({ appId: 'app-2', desktopEvery: 'hourly' }));
    store.saveSchedule(sched({ appId: 'app-3', desktopEvery: 'off' }));
    const now = Date.parse('2026-11-27T12:00:00Z');
    const local = (appId: string, createdAt: string): Backup => ({ id: `${appId}-b`, appId, appName: appId, serverId: 's', serverName: 's', kind: 'manual', createdAt, release: 'none', pocketbase: 'unknown', dataBytes: 0, parts: [], copies: { desktop: { bytes: 1, sha256: 'x', encrypted: false } } });
    store.save(local('app-1', '2026-11-27T06:00:00Z')); // 6 h old: daily is not due
    store.save(local('app-2', '2026-11-27T10:00:00Z')); // 2 h old: hourly is due
    const active = new Set<string>();
    let n = 0;
    const s = new DesktopScheduler(store, () => true, (appId) => { const job = { id: `job-${++n}`, appId } as Job; active.add(job.id); return job; }, (id) => active.has(id));
    expect(s.tick(now).map((j) => j.appId)).toEqual(['app-2']);
    expect(s.tick(now)).toEqual([]); // still running
    active.clear();
    expect(s.tick(now).map((j) => j.appId)).toEqual(['app-2']);
    expect(s.tick(now + 20 * 3600_000).map((j) => j.appId)).toEqual(['app-1']);
  });
});
