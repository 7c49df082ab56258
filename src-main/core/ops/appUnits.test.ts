import { describe, expect, it } from 'vitest';
import { appsNotOnServiceUsers } from './appUnits';
import { appsToMove } from './migrate';

const units = 'unit=web pb-web\nunit=blog skiff\nunit=old \nnoise\n';

describe('apps on their own service users', () => {
  it('names the apps that run as anyone else (the login user, root)', () => {
    expect(appsNotOnServiceUsers(units)).toEqual(['blog', 'old']);
  });

  it('picks this desktop\'s apps among them', () => {
    const app = (name: string) => ({ name }) as never;
    expect(appsToMove(units, [app('web'), app('blog'), app('elsewhere')])).toEqual([app('blog')]);
  });
});
