// The PocketBase superuser, with the password from the keychain. It runs after the release is live
// and recorded: a superuser that cannot be set fails this step (the release stays live and says so).
import { SkiffError } from '../../../../../src-shared/errors';
import { superuserScript } from '../../../remote/scripts/appScripts';
import { connection, type AppTask } from '../appJob';

export function applySuperuser(): AppTask {
  return {
    title: 'Set the PocketBase superuser',
    run: async (job, ctx) => {
      const email = job.app.superuserEmail;
      if (!email) return { skipped: true, note: 'no superuser configured' };
      const password = await job.deps.apps.superuserPassword(job.app);
      if (!password) throw new SkiffError('SECRET_MISSING', { message: `The superuser password of ${job.app.name} is not in the keychain.`, fix: 'Edit the app and enter the superuser password again.' });
      const res = await ctx.exec(await connection(job), superuserScript({ app: job.app.name, binary: job.app.binary, email, password }).text, { check: false });
      if (res.code !== 0) {
        throw new SkiffError('SUPERUSER_FAILED', { message: `The release is live, but the superuser ${email} could not be set: ${res.stderr.replace(/^skiff-root: /, '').trim().slice(-300)}` });
      }
      return { note: email };
    },
  };
}
