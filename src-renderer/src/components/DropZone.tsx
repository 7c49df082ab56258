// Drop a version zip (or pick one): staged to a local path through the bridge, then added to the
// library, which inspects it before anything is uploaded anywhere.
import { useRef, useState } from 'react';
import type { Version } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from './ErrorNotice';

export function DropZone({ binary, onAdded }: { binary: string; onAdded: (v: Version) => void }) {
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const path = await window.skiff.stageFile(file);
      onAdded(await call('versions.add', { path, fileName: file.name, binary }));
    } catch (e) {
      setError(asSkiffError(e));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div>
      <div
        className={`dropzone${over ? ' dropzone-over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); void take(e.dataTransfer.files[0]); }}
      >
        {busy ? 'Checking the zip…' : <>Drop a version zip here, or <button type="button" className="link" onClick={() => input.current?.click()}>choose a file</button></>}
        <input ref={input} type="file" accept=".zip,application/zip" hidden aria-label="Version zip" onChange={(e) => void take(e.target.files?.[0])} />
      </div>
      <ErrorNotice error={error} />
    </div>
  );
}
