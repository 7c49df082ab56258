// Add or edit a server: name, address, login user, and how to log in. Secrets typed or picked here
// go straight to main, which puts them in the OS keychain.
import { useState, type FormEvent } from 'react';
import type { AuthInput } from '../../../src-shared/contract';
import type { AuthKind, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { formatTags, parseTags } from '../lib/tags';

type Choice = 'keep' | 'keyFile' | 'agent' | 'generate' | 'password';

const CHOICES: { value: Choice; label: string; hint: string }[] = [
  { value: 'keyFile', label: 'Private key file', hint: 'An OpenSSH key (ed25519 or RSA); Skiff keeps a copy in the OS keychain.' },
  { value: 'agent', label: 'ssh-agent', hint: 'Use the keys your running ssh-agent offers.' },
  { value: 'generate', label: 'Generate a key', hint: 'Skiff creates an ed25519 key; add its public key to the server\'s authorized_keys.' },
  { value: 'password', label: 'Password (first contact)', hint: 'Used once: Skiff installs its own key with it, then forgets the password.' },
];

const AUTH_LABEL: Record<AuthKind, string> = { keyFile: 'key file', agent: 'ssh-agent', generated: 'generated key', password: 'password' };

export function ServerFormDialog({ server, onSaved, onCancel }: { server?: Server; onSaved: (s: Server) => void; onCancel: () => void }) {
  const editing = !!server;
  const [name, setName] = useState(server?.name ?? '');
  const [host, setHost] = useState(server?.host ?? '');
  const [port, setPort] = useState(String(server?.port ?? 22));
  const [user, setUser] = useState(server?.user ?? 'root');
  const [tags, setTags] = useState(formatTags(server?.tags));
  const [choice, setChoice] = useState<Choice>(editing ? 'keep' : 'keyFile');
  const [keyText, setKeyText] = useState<string | undefined>();
  const [keyPath, setKeyPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);

  const authInput = (): AuthInput | undefined => {
    switch (choice) {
      case 'keep':
        return undefined;
      case 'keyFile':
        if (!keyText && !keyPath && editing && server?.auth.kind === 'keyFile') return { kind: 'keyFile', passphrase: passphrase || undefined };
        return { kind: 'keyFile', privateKey: keyText, keyPath: keyPath || undefined, passphrase: passphrase || undefined };
      case 'agent':
        return { kind: 'agent' };
      case 'generate':
        return { kind: 'generate' };
      case 'password':
        return { kind: 'password', password };
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const auth = authInput();
      const saved = editing
        ? await call('servers.update', { id: server!.id, name, host, port: Number(port), user, tags: parseTags(tags), ...(auth ? { auth } : {}) })
        : await call('servers.add', { name, host, port: Number(port), user, auth: auth!, tags: parseTags(tags) });
      onSaved(saved);
    } catch (err) {
      setError(asSkiffError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={editing ? `Edit ${server!.name}` : 'Add a server'} onClose={onCancel} wide>
      <form onSubmit={submit} className="form">
        <label>Name<input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="production" required /></label>
        <div className="form-row">
          <label className="grow">Host (IP or name)<input name="host" value={host} onChange={(e) => setHost(e.target.value)} placeholder="203.0.113.10" required /></label>
          <label className="narrow">Port<input name="port" value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" required /></label>
          <label>User<input name="user" value={user} onChange={(e) => setUser(e.target.value)} required /></label>
        </div>
        <fieldset>
          <legend>Log in with</legend>
          {editing && (
            <label className="radio">
              <input type="radio" name="auth" value="keep" checked={choice === 'keep'} onChange={() => setChoice('keep')} />
              Keep the current {AUTH_LABEL[server!.auth.kind]}
            </label>
          )}
          {CHOICES.map((c) => (
            <label className="radio" key={c.value} title={c.hint}>
              <input type="radio" name="auth" value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} />
              {c.label}
            </label>
          ))}
          <p className="hint">{CHOICES.find((c) => c.value === choice)?.hint}</p>
          {choice === 'keyFile' && (
            <>
              <label>
                Private key file
                <input
                  type="file"
                  name="keyFile"
                  onChange={async (e) => {
                    const f = e.target.files?.[0];
                    setKeyText(f ? await f.text() : undefined);
                  }}
                />
              </label>
              <label>Or its path on this computer<input name="keyPath" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} placeholder="~/.ssh/id_ed25519" /></label>
              <label>Passphrase (if the key has one)<input type="password" name="passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" /></label>
            </>
          )}
          {choice === 'password' && (
            <label>Password<input type="password" name="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" required /></label>
          )}
        </fieldset>
        <ErrorNotice error={error} />
        <label>Tags (optional, for fleet runs)<input name="serverTags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="prod, eu" /></label>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>{busy ? 'Saving…' : editing ? 'Save' : 'Add server'}</button>
        </div>
      </form>
    </Modal>
  );
}
