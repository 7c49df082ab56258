import { describe, expect, it } from 'vitest';
import { parseFacts } from './facts';

describe('parseFacts', () => {
  it('turns the facts script output into figures', () => {
    const out = ['hostname=vps', 'os=Debian GNU/Linux 12 (bookworm)', 'kernel=6.1.0-50-cloud-amd64', 'arch=x86_64', 'uptime=1234.56', 'cpus=2',
      'memTotalKb=995328', 'memAvailableKb=800000', 'diskTotal=4124123136', 'diskUsed=439123968', 'diskAvailable=3469737984', 'diskMount=/'].join('\n');
    const f = parseFacts(out, new Date('2026-11-25T00:00:00Z'));
    expect(f).toEqual({
      hostname: 'vps', os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-50-cloud-amd64', arch: 'x86_64', uptimeSeconds: 1234, cpus: 2,
      memory: { totalBytes: 995328 * 1024, availableBytes: 800000 * 1024 },
      disk: { mount: '/', totalBytes: 4124123136, usedBytes: 439123968, availableBytes: 3469737984 },
      checkedAt: '2026-11-25T00:00:00.000Z',
    });
  });

  it('refuses a report with a figure missing rather than showing zeros', () => {
    expect(() => parseFacts('hostname=vps\ncpus=2')).toThrow(/lacks uptime/);
  });
});
