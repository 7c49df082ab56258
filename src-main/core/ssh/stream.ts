// Runs one command whose stdin or stdout is a byte stream: a backup coming down from a server or
// going up to one. The command is a rendered helper call (core/remote), not a script: stdin is the
// data, so it cannot also carry a `bash -s` script.
import type { NodeSSH } from 'node-ssh';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SkiffError } from '../../../src-shared/errors';
import type { ShellText } from '../remote/quote';
import { withChannel } from './channels';
import { execStats } from './exec';

export interface StreamOptions {
  stdin?: Readable;
  stdout?: Writable;
  onStderr?: (chunk: string) => void;
}

export function execStream(ssh: NodeSSH, command: ShellText, opts: StreamOptions): Promise<{ code: number; stderr: string }> {
  const client = ssh.connection;
  if (!client) return Promise.reject(new SkiffError('CONNECTION_LOST'));
  execStats.commands++;
  return withChannel(client, () => new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    client.exec(command.text, (err, ch) => {
      if (err) return reject(new SkiffError('CONNECTION_LOST', { detail: err.message }));
      let stderr = '';
      let exit: number | undefined;
      let failure: Error | undefined;
      const flows: Promise<void>[] = [];
      const track = (p: Promise<void>) => flows.push(p.catch((e: Error) => { failure ??= e; ch.destroy(); }));
      ch.stderr.on('data', (d: Buffer) => { const s = d.toString('utf8'); stderr += s; opts.onStderr?.(s); });
      ch.on('exit', (code: number | null) => { exit = code ?? 128; });
      if (opts.stdout) track(pipeline(ch, opts.stdout));
      else ch.resume();
      if (opts.stdin) track(pipeline(opts.stdin, ch));
      else ch.end();
      ch.on('close', () => {
        void Promise.all(flows).then(() => {
          // What we found wrong with the data says more than the broken pipe it caused.
          if (failure instanceof SkiffError) return reject(failure);
          if (exit !== undefined && exit !== 0) return resolve({ code: exit, stderr });
          if (failure) return reject(new SkiffError('CONNECTION_LOST', { detail: failure.message }));
          resolve({ code: exit ?? -1, stderr });
        });
      });
    });
  }));
}
