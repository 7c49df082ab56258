import { describe, expect, it } from 'vitest';
import { SkiffError } from '../../../src-shared/errors';
import { allocatePort, checkPort, parseListeningPorts, PORT_RANGE } from './ports';
import { renderEnvFile } from '../remote/templates/envFile';

describe('ports', () => {
  it('reads listening ports from ss -ltnH', () => {
    const ss = 'LISTEN 0 4096 127.0.0.1:8090 0.0.0.0:*\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\nLISTEN 0 128 [::]:22 [::]:*\nLISTEN 0 4096 *:443 *:*\n';
    expect(parseListeningPorts(ss)).toEqual([22, 443, 8090]);
  });

  it('allocates the lowest free port of the range, skipping apps and listeners', () => {
    expect(allocatePort([])).toBe(PORT_RANGE.from);
    expect(allocatePort([8090, 8091, 8093])).toBe(8092);
    const all = Array.from({ length: PORT_RANGE.to - PORT_RANGE.from + 1 }, (_, i) => PORT_RANGE.from + i);
    expect(() => allocatePort(all)).toThrow(SkiffError);
  });

  it('refuses a manual port another app has or something listens on, naming which', () => {
    expect(() => checkPort(8090, new Map([[8090, 'blog']]), [])).toThrow(/used by the app "blog"/);
    expect(() => checkPort(8095, new Map(), [8095])).toThrow(/already listens on port 8095/);
    expect(() => checkPort(8096, new Map([[8090, 'blog']]), [22])).not.toThrow();
  });
});

describe('renderEnvFile', () => {
  it('quotes values for systemd, whatever they contain', () => {
    expect(renderEnvFile([{ key: 'A', value: 'plain' }, { key: 'B', value: 'say "hi" $(id) `x` \\ end' }]))
      .toBe('A="plain"\nB="say \\"hi\\" $(id) `x` \\\\ end"\n');
    expect(renderEnvFile([])).toBe('');
  });
});
