// Many apps at once from one template: names ("shop-{1..50}" or a list), a domain pattern with
// {name}, HTTPS, and env vars whose values may use {name}. Ports are picked by Skiff. The preview
// is what main will create (the same expansion, from src-shared); nothing is made until every name
// passes.
import { useState, type FormEvent } from 'react';
import { expandNames, fillPattern } from '../../../src-shared/appTemplate';
import type { App, TlsMode } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { TlsSelect } from '../components/TlsSelect';
import { Modal } from '../components/Modal';
import { parseTags } from '../lib/tags';

/** KEY=VALUE per line; a line starting with # is a comment. */
function parseEnv(text: string): { key: string; value: string; secret: boolean }[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
    const eq = l.indexOf('=');
    return { key: eq < 0 ? l : l.slice(0, eq), value: eq < 0 ? '' : l.slice(eq + 1), secret: false };
  });
}

export function AppTemplateDialog({ serverId, onCreated, onCancel }: { serverId: string; onCreated: (apps: App[]) => void; onCancel: () => void }) {
  const [names, setNames] = useState('');
  const [domainPattern, setDomainPattern] = useState('');
  const [tls, setTls] = useState<TlsMode>('auto');
  const [env, setEnv] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<SkiffError | null>(null);
  const [busy, setBusy] = useState(false);
  let preview: string[] = [];
  let problem = '';
  try { preview = names.trim() ? expandNames(names) : []; } catch (e) { problem = (e as Error).message; }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await call('apps.createMany', { serverId, names, domainPattern: domainPattern || undefined, tls, env: parseEnv(env), tags: parseTags(tags) }));
    } catch (err) {
      setError(asSkiffError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="New apps from a template" onClose={onCancel} wide>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>Names<textarea rows={2} value={names} onChange={(e) => setNames(e.target.value)} placeholder="shop-{1..50}, or blog docs wiki" /></label>
        {problem && <p className="warning-text" role="alert">{problem}</p>}
        {preview.length > 0 && (
          <p className="muted" data-testid="template-preview">
            {preview.length} app(s): {preview.slice(0, 3).join(', ')}{preview.length > 4 ? ' … ' : preview.length === 4 ? ', ' : ''}{preview.length > 3 ? preview[preview.length - 1] : ''}
            {domainPattern && ` · ${fillPattern(domainPattern, preview[0])}`} · ports picked by Skiff
          </p>
        )}
        <div className="form-row">
          <label className="grow">Domain pattern (optional)<input value={domainPattern} onChange={(e) => setDomainPattern(e.target.value)} placeholder="{name}.example.com" /></label>
          <TlsSelect value={tls} onChange={setTls} />
        </div>
        <label>Environment, shared (KEY=value per line; {'{name}'} becomes each app&apos;s name)<textarea rows={3} value={env} onChange={(e) => setEnv(e.target.value)} placeholder="PB_TENANT={name}" /></label>
        <label>Tags (optional, for fleet runs)<input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="tenants" /></label>
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || !!problem || preview.length === 0}>Create {preview.length || ''} app(s)</button>
        </div>
      </form>
    </Modal>
  );
}
