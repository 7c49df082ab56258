// A server as Skiff 0.1 left it after setup and one deploy of the app "blog" (on port LEGACY_PORT):
// the app runs as the login user "skiff", the helper has an unsigned self-update, the env file sits in
// shared/env. Built from tests/fixtures/legacy/ through the VM's guest agent, without any old code.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVersionZip } from '../fixtures/versionZip';
import type { TestVps } from '../vps/vm';

const legacy = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/legacy');
export const LEGACY_RELEASE = '20261120-101010-aaaaaaaa';
export const LEGACY_PORT = 8095;
const RELEASE = LEGACY_RELEASE;
const PORT = LEGACY_PORT;

/** Builds what Skiff 0.1's setup and one deploy left on a server, byte for byte where it matters. */
export async function buildOldServer(vps: TestVps, publicKey: string): Promise<void> {
  const zip = buildVersionZip(path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-legacy-')), 'blog.zip'), { label: 'old', migrations: { '1_init.js': '//' }, publicFiles: { 'index.html': 'old' } });
  const b64 = (f: string) => readFileSync(f).toString('base64');
  const unit = readFileSync(path.join(legacy, 'app-unit-0.1.service'), 'utf8').replaceAll('APPNAME', 'blog').replaceAll('DEPLOYUSER', 'skiff').replaceAll('9999', String(PORT));
  const manifest = JSON.stringify({ app: 'blog', current: RELEASE, releases: [{ id: RELEASE, sha256: 'a'.repeat(64), label: 'old.zip', deployedAt: '2026-11-20T10:10:10.000Z', migrations: ['1_init.js'], snapshot: false, has: { public: true, hooks: false, migrations: true } }], updatedAt: '2026-11-20T10:10:10.000Z' });
  await vps.exec(`set -e
useradd --create-home --shell /bin/bash --user-group skiff
install -d -m 700 -o skiff -g skiff /home/skiff/.ssh
printf '%s\\n' '${publicKey}' > /home/skiff/.ssh/authorized_keys && chown skiff: /home/skiff/.ssh/authorized_keys && chmod 600 /home/skiff/.ssh/authorized_keys
printf 'skiff ALL=(root) NOPASSWD: /usr/local/sbin/skiff-root\\n' > /etc/sudoers.d/skiff-skiff && chmod 440 /etc/sudoers.d/skiff-skiff
echo '${b64(path.join(legacy, 'skiff-root-0.1.sh'))}' | base64 -d > /usr/local/sbin/skiff-root && chmod 755 /usr/local/sbin/skiff-root
install -d -m 0755 /opt/skiff && install -d -m 0750 -o skiff -g skiff /opt/skiff/apps
echo '${b64(zip)}' | base64 -d > /tmp/blog.zip
runuser -u skiff -- bash -c 'set -e; umask 022; cd /opt/skiff/apps && mkdir -p blog/releases/${RELEASE} blog/shared/pb_data blog/backups blog/.skiff/uploads && cd blog && unzip -q /tmp/blog.zip -d releases/${RELEASE} && ln -s releases/${RELEASE} current && printf "GREETING=\\"from the old env file\\"\\n" > shared/env && chmod 600 shared/env'
printf '%s' '${manifest}' > /opt/skiff/apps/blog/.skiff/manifest.json && chown skiff: /opt/skiff/apps/blog/.skiff/manifest.json
printf '%s' '${Buffer.from(unit).toString('base64')}' | base64 -d > /etc/systemd/system/skiff-blog.service
systemctl daemon-reload && systemctl enable --now --quiet skiff-blog.service
for i in $(seq 1 60); do curl -fsS 127.0.0.1:${PORT}/api/health >/dev/null 2>&1 && break; sleep 0.5; done
runuser -u skiff -- /opt/skiff/apps/blog/current/pocketbase superuser upsert --dir=/opt/skiff/apps/blog/shared/pb_data -- old@example.com old-password`);
}

