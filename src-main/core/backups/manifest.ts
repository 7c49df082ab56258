// A backup's manifest.json, read from data that crossed a trust boundary (a server's output, an
// archive file): every field checked, so what the UI shows and what a restore decides on is sane.
import { z } from 'zod';
import type { BackupManifest } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { ARG_KINDS } from '../remote/helper/args';
import { BACKUP_FORMAT, BACKUP_PART_RE } from '../remote/helper/backupBodies';

const part = z.object({
  name: z.string().regex(new RegExp(BACKUP_PART_RE)),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const schema = z.object({
  format: z.literal(BACKUP_FORMAT),
  app: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
  id: z.string().regex(new RegExp(ARG_KINDS.backupId.pattern)),
  kind: z.enum(['manual', 'scheduled', 'pre-restore', 'archive']),
  created: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  release: z.string().regex(/^([0-9]{8}-[0-9]{6}-[0-9a-f]{8}|none)$/),
  pocketbase: z.string().regex(/^([0-9]+\.[0-9]+\.[0-9]+[A-Za-z0-9.+-]*|unknown)$/),
  dataBytes: z.number().int().nonnegative(),
  parts: z.array(part).max(64).refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, 'a part is listed twice'),
});

/** Parses manifest text; a bad one is a damaged (or foreign) backup. */
export function parseBackupManifest(text: string, where = 'the backup'): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SkiffError('BACKUP_DAMAGED', { message: `The manifest of ${where} is not JSON: it is damaged or not a Skiff backup.` });
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SkiffError('BACKUP_DAMAGED', { message: `The manifest of ${where} is not a Skiff backup manifest (${issue.path.join('.') || 'root'}: ${issue.message}).` });
  }
  return r.data as BackupManifest;
}

export function manifestFromBase64(b64: string | undefined, where?: string): BackupManifest {
  if (!b64 || !/^[A-Za-z0-9+/=]+$/.test(b64)) throw new SkiffError('SERVER_STATE_INVALID', { message: 'The server did not return a backup manifest.' });
  return parseBackupManifest(Buffer.from(b64, 'base64').toString('utf8'), where);
}

/** Compares the x.y.z of two PocketBase versions ("unknown" compares as unknown: undefined). */
export function comparePocketbase(a: string, b: string): number | undefined {
  const pa = /^(\d+)\.(\d+)\.(\d+)/.exec(a);
  const pb = /^(\d+)\.(\d+)\.(\d+)/.exec(b);
  if (!pa || !pb) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
