// With ssh-agent holding several keys, Skiff offers a server only the one it pinned, and learns
// which one a server took (the one the agent was asked to sign with).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedKey } from 'ssh2';
import { keyBlob, PinnedAgent } from './pinnedAgent';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-agent-'));
const socket = path.join(dir, 'agent.sock');
let agentPid = 0;
const blobs: string[] = [];

beforeAll(async () => {
  const out = execFileSync('ssh-agent', ['-a', socket, '-s'], { encoding: 'utf8' });
  agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
  for (const n of [1, 2, 3]) {
    const k = path.join(dir, `id${n}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
    execFileSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    blobs.push(readFileSync(`${k}.pub`, 'utf8').split(' ')[1]);
  }
});

afterAll(() => { if (agentPid) process.kill(agentPid); });

const identities = (agent: PinnedAgent) => new Promise<ParsedKey[]>((resolve, reject) =>
  agent.getIdentities((err, keys) => (err ? reject(err) : resolve((keys ?? []).map((k) => ('pubKey' in k ? (k as { pubKey: ParsedKey }).pubKey : k) as ParsedKey)))));

describe('PinnedAgent', () => {
  it('offers every key before a pin, only the pinned one after', async () => {
    expect((await identities(new PinnedAgent(socket))).map(keyBlob).sort()).toEqual([...blobs].sort());
    expect((await identities(new PinnedAgent(socket, blobs[1]))).map(keyBlob)).toEqual([blobs[1]]);
  });

  it('reports the key a server asked it to sign with', async () => {
    const used: string[] = [];
    const agent = new PinnedAgent(socket, undefined, (b) => used.push(b));
    const [, second] = await identities(agent);
    await new Promise<void>((resolve, reject) => agent.sign(second, Buffer.from('data'), (err?: Error | null) => (err ? reject(err) : resolve())));
    expect(used).toEqual([keyBlob(second)]);
  });
});

