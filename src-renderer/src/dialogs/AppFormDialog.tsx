// Create or edit an app: name, domain and TLS, port (picked by Skiff unless given), releases to
// keep, env vars (secret ones go to the keychain) and the PocketBase superuser.
import { useId, useState, type FormEvent } from 'react';
import type { ZodType } from 'zod';
import { createAppInput } from '../../../src-shared/contract';
import type { App, TlsMode } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { TlsSelect } from '../components/TlsSelect';
import { Modal } from '../components/Modal';
import { formatTags, parseTags } from '../lib/tags';

/** The contract's own message for a field value, or undefined when the contract accepts it. */
function fieldProblem(schema: ZodType, value: string): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message ?? 'Not valid';
}

interface EnvRow { key: string; value: string; secret: boolean; keep: boolean }

export function AppFormDialog({ serverId, app, onSaved, onCancel }: { serverId: string; app?: App; onSaved: (a: App) => void; onCancel: () => void }) {
  const [name, setName] = useState(app?.name ?? '');
  const [domain, setDomain] = useState(app?.domain ?? '');
  const [tls, setTls] = useState<TlsMode>(app?.tls ?? 'auto');
  const [port, setPort] = useState(app ? String(app.port) : '');
  const [keep, setKeep] = useState(String(app?.keepReleases ?? 5));
  const [tags, setTags] = useState(formatTags(app?.tags));
  const [health, setHealth] = useState(app?.healthTimeoutS ? String(app.healthTimeoutS) : '');
  const [env, setEnv] = useState<EnvRow[]>(app?.env.map((e) => ({ key: e.key, value: e.value ?? '', secret: e.secret, keep: e.secret })) ?? []);
  const [email, setEmail] = useState(app?.superuserEmail ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SkiffError | null>(null);
  const [busy, setBusy] = useState(false);
  const emailProblemId = useId();
  const passwordProblemId = useId();
  // Checked as typed, with the contract's schemas and messages (an empty password keeps the stored one).
  const emailProblem = fieldProblem(createAppInput.shape.superuserEmail, email);
  const passwordProblem = password ? fieldProblem(createAppInput.shape.superuserPassword, password) : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (emailProblem || passwordProblem) return;
    setBusy(true);
    setError(null);
    const fields = {
      name, domain, tls, keepReleases: Number(keep), tags: parseTags(tags),
      ...(port ? { port: Number(port) } : {}),
      ...(health ? { healthTimeoutS: Number(health) } : {}),
      env: env.filter((r) => r.key).map((r) => ({ key: r.key, secret: r.secret, ...(r.secret && r.keep && !r.value ? {} : { value: r.value }) })),
      superuserEmail: email,
      ...(password ? { superuserPassword: password } : {}),
    };
    try {
      onSaved(app ? await call('apps.update', { id: app.id, ...fields }) : await call('apps.create', { serverId, ...fields }));
    } catch (err) {
      setError(asSkiffError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={app ? `Edit ${app.name}` : 'New app'} onClose={onCancel} wide>
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <label className="grow">Name<input name="appName" value={name} onChange={(e) => setName(e.target.value)} placeholder="blog" required disabled={!!app?.releases.length} /></label>
          <label className="narrow">Port<input name="appPort" value={port} onChange={(e) => setPort(e.target.value)} placeholder="auto" inputMode="numeric" /></label>
          <label className="narrow">Keep<input name="keepReleases" value={keep} onChange={(e) => setKeep(e.target.value)} inputMode="numeric" /></label>
          <label className="narrow" title="How long a new release has to answer /api/health before Skiff rolls back">Health (s)<input name="healthTimeoutS" value={health} onChange={(e) => setHealth(e.target.value)} placeholder="30" inputMode="numeric" /></label>
        </div>
        <div className="form-row">
          <label className="grow">Domain (optional)<input name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="blog.example.com" /></label>
          <TlsSelect name="tls" value={tls} onChange={setTls} />
        </div>
        <label>Tags (optional, for fleet runs)<input name="appTags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="prod, eu" /></label>
        <fieldset>
          <legend>Environment variables</legend>
          {env.map((row, i) => (
            <div className="form-row env-row" key={i}>
              <input aria-label={`Variable ${i + 1} name`} value={row.key} placeholder="NAME" onChange={(e) => setEnv(env.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))} />
              <input aria-label={`Variable ${i + 1} value`} type={row.secret ? 'password' : 'text'} value={row.value} placeholder={row.secret && row.keep ? '(kept in the keychain)' : 'value'}
                onChange={(e) => setEnv(env.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))} />
              <label className="checkbox"><input type="checkbox" checked={row.secret} onChange={(e) => setEnv(env.map((r, j) => (j === i ? { ...r, secret: e.target.checked, keep: false } : r)))} />secret</label>
              <button type="button" className="button-small" onClick={() => setEnv(env.filter((_, j) => j !== i))}>Remove</button>
            </div>
          ))}
          <button type="button" className="button-small" onClick={() => setEnv([...env, { key: '', value: '', secret: false, keep: false }])}>Add variable</button>
        </fieldset>
        <div className="form-row">
          <label className="grow">Superuser email (optional)<input name="superuserEmail" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="admin@example.com"
            aria-invalid={emailProblem ? true : undefined} aria-describedby={emailProblem ? emailProblemId : undefined} /></label>
          <label className="grow">Superuser password<input name="superuserPassword" type="password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder={app?.superuserEmail ? '(kept in the keychain)' : ''} autoComplete="off"
            aria-invalid={passwordProblem ? true : undefined} aria-describedby={passwordProblem ? passwordProblemId : undefined} /></label>
        </div>
        {emailProblem && <p id={emailProblemId} className="field-error">{emailProblem}</p>}
        {passwordProblem && <p id={passwordProblemId} className="field-error">{passwordProblem}</p>}
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || !!emailProblem || !!passwordProblem}>{app ? 'Save' : 'Create app'}</button>
        </div>
      </form>
    </Modal>
  );
}
