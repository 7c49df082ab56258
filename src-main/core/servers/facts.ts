// "Test connection": FACTS_SCRIPT (core/remote/scripts/serverScripts.ts) reads OS, kernel, uptime,
// CPUs, memory and disk; this pure parser turns its output into ServerFacts.
import type { ServerFacts } from '../../../src-shared/domain';


export function parseFacts(output: string, now = new Date()): ServerFacts {
  const kv = new Map<string, string>();
  for (const line of output.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const num = (k: string): number => {
    const v = Number(kv.get(k));
    if (!Number.isFinite(v)) throw new Error(`the server's report lacks ${k}`);
    return v;
  };
  return {
    hostname: kv.get('hostname') ?? '',
    os: kv.get('os') ?? 'unknown',
    kernel: kv.get('kernel') ?? 'unknown',
    arch: kv.get('arch') ?? 'unknown',
    uptimeSeconds: Math.floor(num('uptime')),
    cpus: num('cpus'),
    memory: { totalBytes: num('memTotalKb') * 1024, availableBytes: num('memAvailableKb') * 1024 },
    disk: {
      mount: kv.get('diskMount') ?? '/',
      totalBytes: num('diskTotal'),
      usedBytes: num('diskUsed'),
      availableBytes: num('diskAvailable'),
    },
    checkedAt: now.toISOString(),
  };
}
