// A real S3-compatible server for the tests: s3rver (npm) over HTTPS with a throwaway CA, on
// 127.0.0.1 of this machine, which a test VM reaches as 10.0.2.2 (qemu user networking). HTTPS is
// not optional: over plain HTTP restic 0.14's streaming signatures are stored undecoded by s3rver
// and the repository is silently corrupt (docs/backups.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface S3Server { port: number; caPem: string; dir: string; stop(): Promise<void> }

export async function startS3Server(): Promise<S3Server> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-s3-'));
  const cnf = path.join(dir, 'san.cnf');
  writeFileSync(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[san]\nsubjectAltName=IP:10.0.2.2,IP:127.0.0.1,DNS:localhost\n');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=skiff-test-s3', '-extensions', 'san', '-config', cnf], { stdio: 'ignore' });
  const S3rver = createRequire(import.meta.url)('s3rver') as new (o: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const server = new S3rver({
    address: '127.0.0.1', port: 0, directory: path.join(dir, 'data'), silent: true,
    key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')),
    configureBuckets: [{ name: 'restic', configs: [] }],
  });
  const { port } = await server.run();
  return { port, caPem: readFileSync(path.join(dir, 'cert.pem'), 'utf8'), dir, stop: () => server.close() };
}
