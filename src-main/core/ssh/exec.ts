// Runs a script on a connected server as one `bash -s` (one round trip per phase), streaming its
// output. Values inside scripts must come from core/remote/quote.
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import { withChannel } from './channels';

export interface ExecResult { code: number; stdout: string; stderr: string }

export interface ExecOptions {
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Run under `sudo -n` (as the app user, for commands that need root). */
  sudo?: boolean;
  /** Throw REMOTE_COMMAND_FAILED on a non-zero exit instead of returning it. */
  check?: boolean;
}

/**
 * Every script runs inside a function that bash must parse whole before anything runs, with stdin
 * closed: a command that reads stdin (unzip asking "replace?") can never eat the rest of the
 * script, and a script cut off in transit runs not at all instead of in part.
 */
export function wrapScript(script: string): string {
  return `set -euo pipefail\nskiff_main() {\n:\n${script}\n}\nskiff_main </dev/null\n`;
}

/** Remote commands run since start: the bench counts a deploy's round trips with it. */
export const execStats = { commands: 0 };

export function runScript(ssh: NodeSSH, script: string, opts: ExecOptions = {}): Promise<ExecResult> {
  const client = ssh.connection;
  if (!client) return Promise.reject(new SkiffError('CONNECTION_LOST'));
  const command = opts.sudo ? 'sudo -n bash -s' : 'bash -s';
  execStats.commands++;
  return withChannel(client, () => new Promise<ExecResult>((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(new SkiffError('CONNECTION_LOST', { detail: err.message }));
      let stdout = '';
      let stderr = '';
      stream.on('data', (d: Buffer) => { const s = d.toString('utf8'); stdout += s; opts.onStdout?.(s); });
      stream.stderr.on('data', (d: Buffer) => { const s = d.toString('utf8'); stderr += s; opts.onStderr?.(s); });
      stream.on('close', (code: number | null, signal?: string) => {
        const res = { code: code ?? (signal ? 128 : -1), stdout, stderr };
        if (opts.check && res.code !== 0) {
          reject(new SkiffError('REMOTE_COMMAND_FAILED', { detail: `exit ${res.code}: ${stderr.trim().slice(-500)}` }));
        } else resolve(res);
      });
      stream.end(wrapScript(script));
    });
  }));
}
