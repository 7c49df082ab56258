// Runs a host command and resolves with its output; rejects with stderr on a non-zero exit.
import { spawn } from 'node:child_process';

export interface RunResult { stdout: string; stderr: string; code: number }

export function run(cmd: string, args: string[], opts: { input?: string; allowFail?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const res = { stdout, stderr, code: code ?? -1 };
      if (res.code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${res.code}: ${stderr.slice(-2000)}`));
      else resolve(res);
    });
    // A child that exits without reading its input (qemu -daemonize returns at once) closes the pipe
    // first: the write fails with EPIPE, which says nothing about the command. Its exit code does.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') reject(e); });
    child.stdin.end(opts.input ?? '');
  });
}
